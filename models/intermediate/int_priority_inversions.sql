-- Every pair of a human reply and an older, higher-priority obligation of the same team that was
-- waiting when the reply went out - and then breached. fct_priority_inversions keeps one row per
-- reply; the failure flags read every skipped inquiry from here.

with obligations as (
  select * from {{ ref('int_reply_obligations') }} where kind in ('first_response', 'next_response')
),

agents as (
  select agent_id, team from {{ ref('int_agents') }}
),

deal_values as (
  select inquiry_id, deal_value_inr from {{ ref('int_inquiry_deal_values') }}
),

answered as (
  select obligations.*, agents.team as responder_team
  from obligations
  join agents on agents.agent_id = obligations.fulfilled_by_agent_id
  where obligations.fulfilled_at is not null
),

waiting as (
  select obligations.*, agents.team as owner_team
  from obligations
  left join agents on agents.agent_id = obligations.owner_agent_id
  where obligations.is_met = false
),

final as (
  select
    substr(md5(answered.obligation_id || ':' || waiting.obligation_id), 1, 20) as inversion_id,
    answered.fulfilled_at as responded_at,
    answered.fulfilled_by_agent_id as responder_agent_id,
    answered.responder_team as team,
    answered.obligation_id as answered_obligation_id,
    answered.inquiry_id as answered_inquiry_id,
    answered.triage_category as answered_category,
    waiting.obligation_id as skipped_obligation_id,
    waiting.inquiry_id as skipped_inquiry_id,
    waiting.triage_category as skipped_category,
    waiting.priority_rank as skipped_category_rank,
    waiting.started_at as skipped_started_at,
    waiting.owner_agent_id as skipped_owner_agent_id,
    {{ seconds_between('waiting.started_at', 'answered.fulfilled_at') }} as skipped_waiting_seconds,
    waiting.due_at < answered.fulfilled_at as was_skipped_already_overdue,
    deal_values.deal_value_inr as skipped_deal_value_inr
  from answered
  join waiting
    on waiting.phone_number_id = answered.phone_number_id
    and waiting.inquiry_id <> answered.inquiry_id
    and waiting.priority_rank < answered.priority_rank
    and waiting.started_at < answered.started_at
    and waiting.started_at < answered.fulfilled_at
    and waiting.waiting_until > answered.fulfilled_at
    -- The same team's queue: owned by someone on the responder's team, or by nobody.
    and (waiting.owner_team = answered.responder_team or waiting.owner_agent_id is null)
  left join deal_values on deal_values.inquiry_id = waiting.inquiry_id
)

select * from final
