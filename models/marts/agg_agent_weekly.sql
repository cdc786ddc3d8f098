-- The team, per ISO week (local) and person: the load they carried beside how they did, so rates
-- are read with their volumes. Inquiries count in the week they opened, handoffs in the week they
-- happened. Owned means the inquiry's owner; answered means they gave its first human response.

with inquiries as (
  select *, cast(date_trunc('week', {{ to_local('opened_at') }}) as date) as week_start
  from {{ ref('fct_inquiries') }}
  where not is_history
),

handoffs as (
  select *, cast(date_trunc('week', {{ to_local('handed_off_at') }}) as date) as week_start
  from {{ ref('fct_handoffs') }}
),

owned as (
  select
    week_start,
    owner_agent_id as agent_id,
    count(*) as owned_count,
    count(*) filter (where len(escalation_triggers) > 0 or is_escalation_handled is not null) as escalation_count,
    count(*) filter (where is_escalation_handled) as escalation_handled_count,
    count(*) filter (where closed_at is not null and close_reason <> 'dormant') as closed_count,
    count(*) filter (where closed_at is not null and close_reason <> 'dormant' and disposition is not null) as disposition_recorded_count,
    count(*) filter (where has_accountability_failure) as accountability_failure_count
  from inquiries
  where owner_agent_id is not null
  group by all
),

answered as (
  select
    week_start,
    first_response_agent_id as agent_id,
    count(*) as first_response_count,
    cast(median(first_response_seconds) as bigint) as median_first_response_seconds,
    count(*) filter (where is_first_response_met) as met_count,
    count(*) filter (where is_first_response_met is not null) as judged_count,
    count(*) filter (where not is_responder_level_ok) as below_required_level_count,
    count(*) filter (where previous_handler_agent_id is not null) as returning_answered_count,
    count(*) filter (where is_continuity_kept) as continuity_kept_count
  from inquiries
  where first_response_agent_id is not null
  group by all
),

given as (
  select week_start, from_agent_id as agent_id, count(*) as handoffs_given_count, count(*) filter (where has_note) as handoffs_with_note_count
  from handoffs
  where from_agent_id is not null
  group by all
),

received as (
  select week_start, to_agent_id as agent_id, count(*) as handoffs_received_count,
    count(*) filter (where acknowledged_at is not null) as handoffs_acknowledged_count
  from handoffs
  where to_agent_id is not null
  group by all
),

keys as (
  select week_start, agent_id from owned
  union select week_start, agent_id from answered
  union select week_start, agent_id from given
  union select week_start, agent_id from received
),

final as (
  select
    keys.week_start,
    keys.agent_id,
    agents.agent_name,
    agents.team,
    agents.role,
    coalesce(owned.owned_count, 0) as owned_count,
    coalesce(answered.first_response_count, 0) as first_response_count,
    answered.median_first_response_seconds,
    coalesce(answered.met_count, 0) as met_count,
    coalesce(answered.judged_count, 0) as judged_count,
    answered.met_count / nullif(answered.judged_count, 0) as met_rate,
    coalesce(answered.below_required_level_count, 0) as below_required_level_count,
    coalesce(answered.returning_answered_count, 0) as returning_answered_count,
    coalesce(answered.continuity_kept_count, 0) as continuity_kept_count,
    coalesce(owned.escalation_count, 0) as escalation_count,
    coalesce(owned.escalation_handled_count, 0) as escalation_handled_count,
    coalesce(owned.closed_count, 0) as closed_count,
    coalesce(owned.disposition_recorded_count, 0) as disposition_recorded_count,
    coalesce(owned.accountability_failure_count, 0) as accountability_failure_count,
    coalesce(given.handoffs_given_count, 0) as handoffs_given_count,
    coalesce(given.handoffs_with_note_count, 0) as handoffs_with_note_count,
    coalesce(received.handoffs_received_count, 0) as handoffs_received_count,
    coalesce(received.handoffs_acknowledged_count, 0) as handoffs_acknowledged_count
  from keys
  left join {{ ref('dim_agents') }} as agents using (agent_id)
  left join owned using (week_start, agent_id)
  left join answered using (week_start, agent_id)
  left join given using (week_start, agent_id)
  left join received using (week_start, agent_id)
)

select * from final
