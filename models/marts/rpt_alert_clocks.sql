-- Every alert that could fire, with its clock: one row per condition on an open obligation,
-- handoff, escalation or disposition, saying when it fires, when it is due, when it gets more
-- severe, and what resolves it. The API compares these times with the clock at request time, so an
-- alert fires on time between builds; a human reply that lands after the build resolves the alerts
-- marked resolves_on_reply. The at-risk point is the API's (alerts.atRiskShare), so
-- first_response_at_risk rows have no fires_at.

with inquiries as (
  select * from {{ ref('fct_inquiries') }} where not is_history
),

obligations as (
  select * from {{ ref('fct_reply_obligations') }}
  where fulfilled_at is null and waiting_until > {{ as_of() }} and not is_history
),

queue as (
  select * from {{ ref('rpt_next_actions') }}
),

agents as (
  select * from {{ ref('dim_agents') }}
),

business_owner as (
  -- Whom to tell when nobody supervises the person involved: the most senior active person.
  select agent_id from agents
  where is_active and agent_id <> 'business_app'
  order by role_level desc, agent_id
  limit 1
),

thresholds as (
  select
    max(seconds) filter (where threshold = 'unassigned_after') as unassigned_after,
    max(seconds) filter (where threshold = 'handoff_acknowledge') as handoff_acknowledge,
    max(seconds) filter (where threshold = 'escalation_pickup') as escalation_pickup
  from {{ ref('response_thresholds') }}
),

senior_level as (
  select role_level from {{ ref('role_levels') }} where role = 'senior'
),

service_windows as (
  select * from {{ ref('int_contact_service_windows') }}
),

obligation_alerts as (
  select
    case obligations.kind
      when 'first_response' then 'first_response_breach'
      when 'next_response' then 'next_response_breach'
      when 'follow_up_24h' then 'follow_up_overdue'
      when 're_engagement' then 're_engagement_due'
      else 'next_action_overdue'
    end as kind,
    obligation_id as subject_id,
    inquiry_id,
    obligation_id,
    started_at,
    -- A re-engagement is due from day 4 (its start) and late after day 7 (its due time).
    case when obligations.kind = 're_engagement' then started_at else due_at end as fires_at,
    due_at,
    cast(null as integer) as resolving_role_level
  from obligations
  union all
  select 'first_response_at_risk', obligation_id, inquiry_id, obligation_id, started_at, null, due_at, null
  from obligations
  where kind = 'first_response'
  union all
  -- Nobody owns it: someone should be on it by the 5-minute mark (or its due time, if sooner).
  select 'unassigned_waiting', obligation_id, obligations.inquiry_id, obligation_id, obligations.started_at,
    least(obligations.started_at + to_seconds((select unassigned_after from thresholds)), obligations.due_at), obligations.due_at, null
  from obligations
  join inquiries using (inquiry_id)
  where obligations.kind in ('first_response', 'next_response') and inquiries.owner_agent_id is null
),

handoff_alerts as (
  -- Only the current owner's handoff: an older one was overtaken by the next handoff.
  select 'handoff_unacknowledged' as kind, handoffs.handoff_id as subject_id, handoffs.inquiry_id, cast(null as varchar) as obligation_id,
    handoffs.handed_off_at as started_at,
    handoffs.handed_off_at + to_seconds((select handoff_acknowledge from thresholds)) as fires_at,
    handoffs.handed_off_at + to_seconds((select handoff_acknowledge from thresholds)) as due_at,
    cast(null as integer) as resolving_role_level
  from {{ ref('fct_handoffs') }} as handoffs
  join inquiries using (inquiry_id)
  where handoffs.acknowledged_at is null
    and inquiries.closed_at is null
    and handoffs.to_agent_id is not distinct from inquiries.owner_agent_id
  qualify row_number() over (partition by handoffs.inquiry_id order by handoffs.handed_off_at desc, handoffs.handoff_id desc) = 1
),

escalation_alerts as (
  -- Resolved only by a reply from someone at senior level or above.
  select 'escalation_unhandled' as kind, escalations.inquiry_id as subject_id, escalations.inquiry_id, cast(null as varchar) as obligation_id,
    escalations.escalation_started_at as started_at,
    escalations.escalation_started_at + to_seconds((select escalation_pickup from thresholds)) as fires_at,
    escalations.escalation_started_at + to_seconds((select escalation_pickup from thresholds)) as due_at,
    (select role_level from senior_level) as resolving_role_level
  from {{ ref('int_inquiry_escalations') }} as escalations
  join inquiries using (inquiry_id)
  where escalations.needs_escalation and escalations.is_escalation_handled is null and inquiries.closed_at is null
),

disposition_alerts as (
  -- Closed in the last week with no outcome recorded; older ones are in the weekly failure rates.
  select 'missing_disposition' as kind, inquiry_id as subject_id, inquiry_id, cast(null as varchar) as obligation_id,
    closed_at as started_at, closed_at as fires_at, closed_at as due_at, cast(null as integer) as resolving_role_level
  from inquiries
  where closed_at is not null and disposition is null and closed_at >= {{ as_of() }} - interval 7 days
),

conditions as (
  select * from obligation_alerts
  union all select * from handoff_alerts
  union all select * from escalation_alerts
  union all select * from disposition_alerts
),

placed as (
  select
    conditions.*,
    inquiries.phone_number_id,
    inquiries.contact_id,
    inquiries.contact_wa_id,
    inquiries.contact_name,
    inquiries.triage_category,
    inquiries.priority_rank,
    inquiries.owner_agent_id,
    inquiries.deal_value_inr,
    coalesce(queue.assignee_agent_id, inquiries.owner_agent_id) as assignee_agent_id,
    coalesce(owners.team, assignees.team) as team,
    coalesce(
      nullif(owners.supervisor_id, owners.agent_id),
      nullif(assignees.supervisor_id, assignees.agent_id),
      (select agent_id from business_owner)
    ) as supervisor_agent_id,
    coalesce(
      queue.action,
      case conditions.kind
        when 'handoff_unacknowledged' then 'acknowledge_handoff'
        when 'escalation_unhandled' then 'escalate'
        when 'missing_disposition' then 'record_disposition'
      end
    ) as action,
    queue.reason as queue_reason,
    service_windows.service_window_closes_at,
    conditions.kind not in ('handoff_unacknowledged', 'missing_disposition') as resolves_on_reply,
    -- Base level 0 info, 1 warning, 2 critical: by intent, then one up for money at stake.
    least(2,
      case
        when conditions.kind = 'first_response_at_risk' then case when inquiries.priority_rank <= 2 then 1 else 0 end
        when conditions.kind in ('first_response_breach', 'next_response_breach', 'unassigned_waiting', 'escalation_unhandled')
          then case when inquiries.priority_rank <= 2 then 2 when inquiries.priority_rank = 3 then 1 else 0 end
        else case when inquiries.priority_rank <= 2 then 1 else 0 end
      end
      + case when coalesce(inquiries.deal_value_inr, 0) >= {{ var('alert_raise_severity_deal_inr') }} then 1 else 0 end
    ) as severity_level
  from conditions
  join inquiries using (inquiry_id)
  left join queue using (inquiry_id)
  left join agents as owners on owners.agent_id = inquiries.owner_agent_id
  left join agents as assignees on assignees.agent_id = queue.assignee_agent_id
  left join service_windows
    on service_windows.phone_number_id = inquiries.phone_number_id and service_windows.contact_id = inquiries.contact_id
),

final as (
  select
    'al_' || left(md5(kind || ':' || subject_id), 20) as alert_id,
    kind,
    subject_id,
    inquiry_id,
    obligation_id,
    phone_number_id,
    contact_id,
    contact_wa_id,
    contact_name,
    triage_category,
    priority_rank,
    owner_agent_id,
    assignee_agent_id,
    team,
    supervisor_agent_id,
    started_at,
    fires_at,
    due_at,
    -- Late by a whole obligation length (at least 15 minutes), an alert is one level more severe.
    case when kind <> 'first_response_at_risk'
      then due_at + greatest(due_at - started_at, interval 15 minutes) end as escalates_at,
    ['info', 'warning', 'critical'][severity_level + 1] as severity,
    ['info', 'warning', 'critical'][least(2, severity_level + 1) + 1] as escalated_severity,
    deal_value_inr,
    action,
    coalesce(
      queue_reason,
      case kind
        when 'handoff_unacknowledged' then 'The new owner has not acknowledged the handoff note; they should read it before writing'
        when 'escalation_unhandled' then 'Needs a senior: no one at senior level has replied since it escalated'
        when 'missing_disposition' then 'Closed without an outcome; record the disposition and next action'
        else 'Waiting for a reply'
      end
    ) as reason,
    service_window_closes_at,
    resolves_on_reply,
    resolving_role_level
  from placed
)

select * from final
