-- The team's queue as of the build: one row per inquiry that needs something, highest priority
-- score first - what to do, who should do it (the owner, or the right level when the owner is
-- not), by when, whether only a template can be sent, and one sentence a supervisor understands.

with work as (
  select * from {{ ref('int_open_work') }}
),

agents as (
  select * from {{ ref('int_agents') }} where is_active and agent_id <> 'business_app'
),

role_levels as (
  select * from {{ ref('role_levels') }}
),

contacts as (
  select contact_id, contact_name from {{ ref('dim_contacts') }}
),

open_load as (
  select owner_agent_id as agent_id, count(*) as open_inquiries
  from {{ ref('int_inquiry_ownership') }}
  join {{ ref('int_inquiry_closures') }} using (inquiry_id)
  where closed_at is null and owner_agent_id is not null
  group by owner_agent_id
),

needed as (
  select
    work.*,
    case
      when work.action = 'escalate' then (select role_level from role_levels where role = 'senior')
      else (select role_level from role_levels where role = work.required_role)
    end as needed_level
  from work
),

suggestions as (
  -- Someone new at the needed level: the least senior who qualifies, then the least loaded.
  select needed.inquiry_id, agents.agent_id
  from needed
  join agents on agents.role_level >= needed.needed_level and agents.agent_id is distinct from needed.owner_agent_id
  left join open_load using (agent_id)
  qualify row_number() over (
    partition by needed.inquiry_id
    order by agents.role_level, coalesce(open_load.open_inquiries, 0), agents.agent_id
  ) = 1
),

assigned as (
  select
    needed.*,
    case
      when needed.action = 'escalate' then coalesce(
        (select supervisor.agent_id from agents as owner join agents as supervisor on supervisor.agent_id = owner.supervisor_id
          where owner.agent_id = needed.owner_agent_id and supervisor.role_level >= needed.needed_level),
        suggestions.agent_id
      )
      when needed.action = 'reassign' or needed.owner_agent_id is null or not needed.is_owner_active then suggestions.agent_id
      else needed.owner_agent_id
    end as assignee_agent_id
  from needed
  left join suggestions using (inquiry_id)
),

worded as (
  select
    assigned.*,
    contacts.contact_name,
    assignees.agent_name as assignee_name,
    case
      when assigned.is_returning then 'Returning prospect'
      when assigned.triage_category = 'fresh_high_intent' then 'New high-intent prospect'
      when assigned.triage_category = 'information_request' then 'Contact with a question'
      else 'Contact'
    end as who,
    {{ seconds_between('assigned.waiting_since', as_of()) }} as waiting_seconds
  from assigned
  left join contacts using (contact_id)
  left join agents as assignees on assignees.agent_id = assigned.assignee_agent_id
),

final as (
  select
    inquiry_id,
    contact_id,
    contact_wa_id,
    contact_name,
    triage_category,
    cast(row_number() over (order by round(priority_score) desc, due_at nulls last, inquiry_id) as integer) as priority_rank,
    cast(round(priority_score) as integer) as priority_score,
    action,
    assignee_agent_id,
    owner_agent_id,
    obligation_id,
    obligation_kind,
    waiting_since,
    due_at,
    requires_template,
    service_window_closes_at,
    deal_value_inr,
    escalation_triggers,
    who
      || case
        when obligation_kind in ('first_response', 'next_response') then ' waiting ' || {{ human_duration('waiting_seconds') }}
        when obligation_kind = 'follow_up_24h' then ' silent for ' || {{ human_duration('waiting_seconds') }} || ' after our reply'
        when obligation_kind = 're_engagement' and seconds_past_due > 0 then ' silent since our reply, past the day 4-7 re-engagement window'
        when obligation_kind = 're_engagement' then ' silent since our reply, in the day 4-7 re-engagement window'
        when obligation_kind = 'next_action' then ' with a follow-up promised'
        else ' quiet for ' || {{ human_duration('waiting_seconds') }}
      end
      || case when deal_value_inr > 0 then ' on a ' || {{ format_inr('deal_value_inr') }} || ' decision' else '' end
      || case when len(escalation_triggers) > 0 then ' (' || replace(array_to_string(escalation_triggers, ', '), '_', ' ') || ')' else '' end
      || case when seconds_past_due > 0 then ', ' || {{ human_duration('seconds_past_due') }} || ' past due' else '' end
      || '; '
      || case action
        when 'escalate' then 'escalate to ' || coalesce(assignee_name, 'a senior')
        when 'reassign' then 'reassign to ' || coalesce(assignee_name, 'someone free') || ' with a handoff note'
        when 'acknowledge_handoff' then coalesce(assignee_name, 'the new owner') || ' to read and acknowledge the handoff note, then reply'
        when 'reply_now' then coalesce(assignee_name, 'someone') || ' to reply now'
        when 'follow_up' then 'follow up' || case when requires_template then ' with a template (the 24-hour window is closed)' else '' end
        when 're_engage' then 're-engage' || case when requires_template then ' with a template' else '' end
        when 'record_disposition' then 'went dormant without an outcome; record the disposition and next action'
        else 'close it with a disposition before it goes dormant'
      end as reason
  from worded
)

select * from final
order by priority_rank
