-- What each inquiry needs from the team now (as_of), one row per inquiry that needs something:
-- its most pressing open obligation, the action that answers it, and the priority score that
-- orders the queue (intent, lateness, money at stake, repeated attempts, returning contacts,
-- pending escalation - never recency). rpt_next_actions adds who should act and why, in words.

with inquiries as (
  select * from {{ ref('int_inquiries_sessionized') }} where not is_history
),

closures as (
  select * exclude (contact_id) from {{ ref('int_inquiry_closures') }}
),

triage as (
  select inquiry_id, triage_category, is_returning from {{ ref('int_inquiry_triage') }}
),

sla as (
  select * from {{ ref('sla_targets') }}
),

obligations as (
  select * from {{ ref('int_reply_obligations') }}
  where fulfilled_at is null and waiting_until > {{ as_of() }} and started_at <= {{ as_of() }}
),

escalations as (
  select * from {{ ref('int_inquiry_escalations') }}
),

ownership as (
  select * from {{ ref('int_inquiry_ownership') }}
),

agents as (
  select agent_id, role_level, is_active from {{ ref('int_agents') }}
),

senior_level as (
  select role_level from {{ ref('role_levels') }} where role = 'senior'
),

unacknowledged_handoffs as (
  select inquiry_id, to_agent_id, max(handed_off_at) as handed_off_at
  from {{ ref('int_handoffs') }}
  where acknowledged_at is null
  group by inquiry_id, to_agent_id
),

deal_values as (
  select * from {{ ref('int_inquiry_deal_values') }}
),

service_windows as (
  select * from {{ ref('int_contact_service_windows') }}
),

weights as (
  select factor, weight from {{ ref('priority_weights') }}
),

pending as (
  -- The most pressing open obligation of each inquiry: a reply before a follow-up, then by due time.
  select *
  from obligations
  qualify row_number() over (
    partition by inquiry_id
    order by case kind when 'first_response' then 0 when 'next_response' then 0 when 'next_action' then 1 when 'follow_up_24h' then 2 else 3 end, due_at
  ) = 1
),

candidates as (
  -- Open inquiries with an obligation, quiet open inquiries, and dormant ones still without an outcome.
  select inquiries.inquiry_id, pending.obligation_id, pending.kind as obligation_kind, pending.due_at, pending.started_at as waiting_since,
    pending.is_repeat_unanswered
  from inquiries
  join pending using (inquiry_id)
  union all
  -- No obligation, so no due time: these wait for an outcome, not for a reply.
  select inquiries.inquiry_id, null, null, null, closures.last_message_at, false
  from inquiries
  join closures using (inquiry_id)
  where inquiry_id not in (select inquiry_id from pending)
    and (
      (closures.closed_at is null and closures.last_message_at <= {{ as_of() }} - interval 7 days)
      or (closures.close_reason = 'dormant' and closures.disposition is null and closures.closed_at >= {{ as_of() }} - interval 7 days)
    )
),

classified as (
  select
    candidates.*,
    inquiries.phone_number_id,
    inquiries.contact_id,
    inquiries.contact_wa_id,
    triage.triage_category,
    triage.is_returning,
    sla.priority_rank,
    sla.required_role,
    coalesce(sla.target_seconds, sla.next_response_seconds) as target_seconds,
    closures.closed_at,
    ownership.owner_agent_id,
    coalesce(owners.is_active, false) as is_owner_active,
    coalesce(owners.role_level >= (select role_level from senior_level), false) as is_owner_senior,
    escalations.escalation_triggers,
    escalations.needs_escalation and coalesce(escalations.is_escalation_handled, false) = false as is_escalation_pending,
    unacknowledged_handoffs.handed_off_at is not null as has_unacknowledged_handoff,
    deal_values.deal_value_inr,
    service_windows.service_window_closes_at,
    {{ as_of() }} > service_windows.service_window_closes_at as requires_template
  from candidates
  join inquiries using (inquiry_id)
  join triage using (inquiry_id)
  join sla using (triage_category)
  join closures using (inquiry_id)
  left join ownership using (inquiry_id)
  left join agents as owners on owners.agent_id = ownership.owner_agent_id
  left join escalations using (inquiry_id)
  left join deal_values using (inquiry_id)
  left join unacknowledged_handoffs
    on unacknowledged_handoffs.inquiry_id = candidates.inquiry_id
    and unacknowledged_handoffs.to_agent_id = ownership.owner_agent_id
  left join service_windows using (phone_number_id, contact_id)
),

actions as (
  select
    *,
    case
      when obligation_kind in ('first_response', 'next_response') and is_escalation_pending and not is_owner_senior then 'escalate'
      when obligation_kind in ('first_response', 'next_response') and has_unacknowledged_handoff then 'acknowledge_handoff'
      -- The owner has left, or sat on it for a whole target length past due: someone else, with a note.
      when obligation_kind in ('first_response', 'next_response')
        and owner_agent_id is not null
        and (not is_owner_active or due_at < {{ as_of() }} - to_seconds(target_seconds)) then 'reassign'
      when obligation_kind in ('first_response', 'next_response') then 'reply_now'
      when obligation_kind = 'next_action' then 'follow_up'
      when obligation_kind = 'follow_up_24h' then 'follow_up'
      when obligation_kind = 're_engagement' then 're_engage'
      when closed_at is not null then 'record_disposition'
      else 'close_dormant'
    end as action,
    {{ seconds_between('due_at', as_of()) }} as seconds_past_due,
    -- Lateness is measured in the obligation's own length: 15 minutes for a reply, 3 days for a re-engagement window.
    greatest(coalesce({{ seconds_between('waiting_since', 'due_at') }}, target_seconds), 60) as obligation_seconds
  from classified
),

scored as (
  select
    actions.*,
    (select weight from weights where factor = 'category_rank_' || actions.priority_rank)
      + case
          when seconds_past_due > 0 then least(
            (select weight from weights where factor = 'overdue_cap'),
            (select weight from weights where factor = 'per_target_overdue') * (1 + floor(seconds_past_due / obligation_seconds))
          )
          when seconds_past_due > -obligation_seconds then (select weight from weights where factor = 'due_soon')
          else 0
        end
      + least(
          (select weight from weights where factor = 'deal_cap'),
          (select weight from weights where factor = 'per_lakh_at_stake') * coalesce(deal_value_inr, 0) / 100000
        )
      + case when obligation_kind in ('first_response', 'next_response') then (select weight from weights where factor = 'reply_owed') else 0 end
      + case when is_repeat_unanswered then (select weight from weights where factor = 'repeat_unanswered') else 0 end
      + case when is_returning then (select weight from weights where factor = 'returning') else 0 end
      + case when is_escalation_pending and obligation_kind in ('first_response', 'next_response')
          then (select weight from weights where factor = 'escalation_pending') else 0 end
      as priority_score
  from actions
)

select * from scored
