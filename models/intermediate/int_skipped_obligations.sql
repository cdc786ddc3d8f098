-- One row per breached obligation that a reply to a lower-priority, newer obligation of the same
-- team's queue passed over while it waited (the rule of int_priority_inversions, read from the
-- skipped side): the priority failure of its inquiry. With the first reply that skipped it.

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

breached as (
  select obligations.*, teams.team
  from obligations
  left join agents as owners on owners.agent_id = obligations.owner_agent_id
  join teams on teams.team = owners.team or obligations.owner_agent_id is null
  where obligations.is_met = false
),

replies_below as (
  -- Each reply, once for every higher priority it ranks below.
  select obligations.phone_number_id, agents.team, ranks.priority_rank as below_rank, obligations.started_at, obligations.fulfilled_at,
    obligations.obligation_id
  from obligations
  join agents on agents.agent_id = obligations.fulfilled_by_agent_id
  join ranks on ranks.priority_rank < obligations.priority_rank
  where obligations.fulfilled_at is not null
),

earliest_reply_from as (
  -- For each start, the earliest reply to an obligation that started then or later.
  select
    phone_number_id, team, below_rank, started_at,
    min(fulfilled_at) over queue as earliest_fulfilled_at,
    arg_min(obligation_id, fulfilled_at) over queue as earliest_obligation_id
  from replies_below
  window queue as (partition by phone_number_id, team, below_rank order by started_at desc range between unbounded preceding and current row)
),

final as (
  select
    breached.obligation_id,
    any_value(breached.inquiry_id) as inquiry_id,
    min(earliest.earliest_fulfilled_at) as first_skipped_at,
    arg_min(earliest.earliest_obligation_id, earliest.earliest_fulfilled_at) as first_skipping_obligation_id
  from breached
  asof join earliest_reply_from as earliest
    on earliest.phone_number_id = breached.phone_number_id
    and earliest.team = breached.team
    and earliest.below_rank = breached.priority_rank
    and breached.started_at < earliest.started_at
  where earliest.earliest_fulfilled_at < breached.waiting_until
  group by breached.obligation_id
)

select * from final
