-- One row per inquiry: who wrote, how it was triaged, its first-response target and how the team
-- did against it, who owned it and whether the right person answered with context, escalation,
-- how it closed, and the four failure modes. The metric contract of DESIGN.md, "Definitions".

with inquiries as (
  select * from {{ ref('int_inquiries_sessionized') }}
),

closures as (
  select * exclude (contact_id) from {{ ref('int_inquiry_closures') }}
),

first_responses as (
  select * exclude (contact_id) from {{ ref('int_inquiry_first_responses') }}
),

business_seconds as (
  select * exclude (contact_id) from {{ ref('int_inquiry_business_seconds') }}
),

triage as (
  select * exclude (contact_id) from {{ ref('int_inquiry_triage') }}
),

targets as (
  select * exclude (contact_id) from {{ ref('int_inquiry_targets') }}
),

ownership as (
  select * from {{ ref('int_inquiry_ownership') }}
),

continuity as (
  select * exclude (contact_id) from {{ ref('int_inquiry_continuity') }}
),

escalations as (
  select * from {{ ref('int_inquiry_escalations') }}
),

failures as (
  select * from {{ ref('int_inquiry_failures') }}
),

deal_values as (
  select * from {{ ref('int_inquiry_deal_values') }}
),

unanswered as (
  select inquiry_id, sum(inbound_count) filter (where fulfilled_at is null) as unanswered_inbound_count
  from {{ ref('int_reply_episodes') }}
  group by inquiry_id
),

contacts as (
  select * from {{ ref('dim_contacts') }}
),

agents as (
  select * from {{ ref('int_agents') }}
),

role_levels as (
  select * from {{ ref('role_levels') }}
),

fast_response as (
  select seconds from {{ ref('response_thresholds') }} where threshold = 'first_response_fast'
),

joined as (
  select
    inquiries.inquiry_id,
    inquiries.phone_number_id,
    inquiries.contact_id,
    inquiries.contact_wa_id,
    contacts.contact_name,
    contacts.crm_contact_id,
    inquiries.opened_at,
    closures.closed_at,
    closures.close_reason,
    closures.last_message_at,
    triage.is_returning,
    triage.triage_category,
    triage.triage_reason,
    targets.priority_rank,
    targets.target_seconds,
    targets.required_role,
    targets.due_at,
    first_responses.auto_ack_at,
    first_responses.auto_ack_seconds,
    first_responses.first_response_at,
    first_responses.first_response_seconds,
    business_seconds.first_response_business_seconds,
    ownership.first_assigned_at,
    case
      when first_responses.first_response_at >= ownership.first_assigned_at
        then {{ seconds_between('ownership.first_assigned_at', 'first_responses.first_response_at') }}
    end as first_response_from_assignment_seconds,
    first_responses.first_response_agent_id,
    agents.role as first_response_role,
    agents.role_level >= required.role_level as is_responder_level_ok,
    ownership.owner_agent_id,
    continuity.previous_handler_agent_id,
    continuity.is_continuity_kept,
    escalations.escalation_triggers,
    escalations.is_escalation_handled,
    inquiries.inbound_message_count,
    cast(coalesce(unanswered.unanswered_inbound_count, 0) as bigint) as unanswered_inbound_count,
    deal_values.deal_value_inr,
    closures.disposition,
    closures.next_action,
    closures.next_action_at,
    inquiries.is_history,
    failures.* exclude (inquiry_id)
  from inquiries
  left join closures using (inquiry_id)
  left join first_responses using (inquiry_id)
  left join business_seconds using (inquiry_id)
  left join triage using (inquiry_id)
  left join targets using (inquiry_id)
  left join ownership using (inquiry_id)
  left join continuity using (inquiry_id)
  left join escalations using (inquiry_id)
  left join failures using (inquiry_id)
  left join deal_values using (inquiry_id)
  left join unanswered using (inquiry_id)
  left join contacts using (contact_id)
  left join agents on agents.agent_id = first_responses.first_response_agent_id
  left join role_levels as required on required.role = targets.required_role
),

final as (
  select
    * exclude (has_visibility_failure, visibility_failure_reason, has_context_failure, context_failure_reason,
      has_priority_failure, priority_failure_reason, has_accountability_failure, accountability_failure_reason),
    -- Met when a person answered by due_at; missed when nobody had by then. Unknown while the
    -- clock runs, and not applicable when the team closed the inquiry unanswered before it was due
    -- (spam, a duplicate).
    case
      when first_response_at is not null then first_response_at <= due_at
      when close_reason in ('disposition', 'closed') and closed_at < due_at then null
      when due_at <= {{ as_of() }} then false
    end as is_first_response_met,
    case
      when triage_category not in ('high_intent_return', 'fresh_high_intent') then null
      when first_response_at is not null then first_response_seconds <= (select seconds from fast_response)
      when close_reason in ('disposition', 'closed') and closed_at < opened_at + to_seconds((select seconds from fast_response))
        then null
      when opened_at + to_seconds((select seconds from fast_response)) <= {{ as_of() }} then false
    end as is_within_5_minutes,
    has_visibility_failure,
    visibility_failure_reason,
    has_context_failure,
    context_failure_reason,
    has_priority_failure,
    priority_failure_reason,
    has_accountability_failure,
    accountability_failure_reason
  from joined
)

select * from final
