-- One row per human reply given while an older obligation of a higher-priority category, in the
-- responder's team's queue, was waiting - and then breached: the most pressing one it passed over
-- (highest priority, then oldest), and how many higher-priority breaching obligations were waiting
-- at that moment. int_skipped_obligations reads the same rule from the skipped side.
--
-- Pairing every reply with every waiting obligation does not scale (a neglected obligation waits
-- through thousands of replies), so both lookups are ASOF joins over running aggregates per queue
-- (business number x team x category rank).

with obligations as (
  select * from {{ ref('int_reply_obligations') }} where kind in ('first_response', 'next_response')
),

agents as (
  select agent_id, team from {{ ref('int_agents') }}
),

teams as (
  select distinct team from agents where team is not null
),

ranks as (
  select distinct priority_rank from {{ ref('sla_targets') }}
),

deal_values as (
  select inquiry_id, deal_value_inr from {{ ref('int_inquiry_deal_values') }}
),

replies as (
  select obligations.*, agents.team
  from obligations
  join agents on agents.agent_id = obligations.fulfilled_by_agent_id
  where obligations.fulfilled_at is not null
),

breached as (
  -- Obligations that went unmet, once per team whose queue they were in: the owner's, or every
  -- team's while nobody owned them.
  select obligations.*, teams.team
  from obligations
  left join agents as owners on owners.agent_id = obligations.owner_agent_id
  join teams on teams.team = owners.team or obligations.owner_agent_id is null
  where obligations.is_met = false
),

oldest_waiting_until as (
  -- For each end of waiting, the oldest breached obligation among those still waiting then or later.
  select
    phone_number_id, team, priority_rank, waiting_until,
    min(started_at) over queue as oldest_started_at,
    arg_min(obligation_id, started_at) over queue as oldest_obligation_id
  from breached
  window queue as (partition by phone_number_id, team, priority_rank order by waiting_until desc range between unbounded preceding and current row)
),

waiting_counts as (
  -- How many breached obligations of a queue were waiting, after each start and end.
  select
    phone_number_id, team, priority_rank, changed_at,
    sum(change) over (partition by phone_number_id, team, priority_rank order by changed_at range between unbounded preceding and current row) as waiting
  from (
    select phone_number_id, team, priority_rank, started_at as changed_at, 1 as change from breached
    union all
    select phone_number_id, team, priority_rank, waiting_until, -1 from breached where waiting_until < 'infinity'::timestamptz
  )
),

reply_queues as (
  -- Each reply against each higher-priority queue of its team.
  select replies.*, ranks.priority_rank as skipped_rank
  from replies
  join ranks on ranks.priority_rank < replies.priority_rank
),

oldest_skipped as (
  -- The queue's oldest obligation still waiting at the reply; skipped when it is older than the answered one.
  select reply_queues.obligation_id, reply_queues.skipped_rank, oldest.oldest_obligation_id as skipped_obligation_id
  from reply_queues
  asof join oldest_waiting_until as oldest
    on oldest.phone_number_id = reply_queues.phone_number_id
    and oldest.team = reply_queues.team
    and oldest.priority_rank = reply_queues.skipped_rank
    and reply_queues.fulfilled_at < oldest.waiting_until
  where oldest.oldest_started_at < reply_queues.started_at
),

waiting_at_reply as (
  select reply_queues.obligation_id, sum(counts.waiting) as waiting_count
  from reply_queues
  asof join waiting_counts as counts
    on counts.phone_number_id = reply_queues.phone_number_id
    and counts.team = reply_queues.team
    and counts.priority_rank = reply_queues.skipped_rank
    and reply_queues.fulfilled_at > counts.changed_at
  group by reply_queues.obligation_id
),

most_pressing as (
  select *
  from oldest_skipped
  qualify row_number() over (partition by obligation_id order by skipped_rank) = 1
),

final as (
  select
    replies.obligation_id as inversion_id,
    replies.fulfilled_at as responded_at,
    replies.fulfilled_by_agent_id as responder_agent_id,
    replies.team,
    replies.obligation_id as answered_obligation_id,
    replies.inquiry_id as answered_inquiry_id,
    replies.triage_category as answered_category,
    skipped.obligation_id as skipped_obligation_id,
    skipped.inquiry_id as skipped_inquiry_id,
    skipped.triage_category as skipped_category,
    skipped.owner_agent_id as skipped_owner_agent_id,
    {{ seconds_between('skipped.started_at', 'replies.fulfilled_at') }} as skipped_waiting_seconds,
    skipped.due_at < replies.fulfilled_at as was_skipped_already_overdue,
    deal_values.deal_value_inr as skipped_deal_value_inr,
    coalesce(waiting_at_reply.waiting_count, 0) as higher_priority_waiting_count
  from most_pressing
  join replies using (obligation_id)
  join obligations as skipped on skipped.obligation_id = most_pressing.skipped_obligation_id
  left join waiting_at_reply using (obligation_id)
  left join deal_values on deal_values.inquiry_id = skipped.inquiry_id
)

select * from final
