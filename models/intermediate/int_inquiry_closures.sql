-- How and when each inquiry closed: at the first disposition or closed event after its last
-- reopen, or as dormant at the first stretch of dormant_after (14 days) with no message either way,
-- whichever came first (broadcasts do not keep an inquiry alive, and a message after the stretch
-- does not revive it). Open inquiries have no closed_at. Also the latest disposition and next action.
-- Incremental by contact: "now" only decides whether dormant_at has passed, so a contact's rows
-- change when its own rows do or when a dormant_at falls between two builds' "now", and
-- int_changed_contacts lists both.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts(deadlines=true) }}") }}

with inquiries as (
  select * from {{ ref('int_inquiries_sessionized') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

messages as (
  select * from {{ ref('int_messages_by_inquiry') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

inquiry_events as (
  select * from {{ ref('int_inbox_events_by_inquiry') }} where inquiry_id is not null and {{ is_changed_contact('contact_id', deadlines=true) }}
),

dormant_after as (
  select seconds from {{ ref('response_thresholds') }} where threshold = 'dormant_after'
),

last_reopens as (
  select inquiry_id, max(event_at) as last_reopened_at
  from inquiry_events
  where event_type = 'reopened'
  group by inquiry_id
),

closing_events as (
  select
    inquiry_events.inquiry_id,
    min(event_at) as closed_by_event_at,
    arg_min(event_type, event_at) as closing_event_type
  from inquiry_events
  left join last_reopens using (inquiry_id)
  where event_type in ('disposition', 'closed')
    and (last_reopened_at is null or event_at > last_reopened_at)
  group by inquiry_events.inquiry_id
),

latest_dispositions as (
  select
    inquiry_id,
    max(event_at) as disposition_at,
    arg_max(disposition, event_at) as disposition,
    arg_max(next_action, event_at) as next_action,
    arg_max(next_action_at, event_at) as next_action_at,
    arg_max(agent_id, event_at) as disposition_agent_id
  from inquiry_events
  where event_type = 'disposition'
  group by inquiry_id
),

gaps as (
  select
    inquiry_id,
    sent_at,
    lag(sent_at) over (partition by inquiry_id order by sent_at, message_id) as previous_sent_at
  from messages
  where is_conversational
),

silences as (
  -- The first silence longer than dormant_after ends the inquiry, whatever came after it;
  -- without one, the silence after the last message does, once it has lasted that long.
  select
    inquiry_id,
    max(sent_at) as last_message_at,
    min(previous_sent_at) filter (
      where {{ seconds_between('previous_sent_at', 'sent_at') }} > (select seconds from dormant_after)
    ) as silent_from
  from gaps
  group by inquiry_id
),

closed as (
  select
    inquiries.inquiry_id,
    inquiries.contact_id,
    silences.last_message_at,
    coalesce(silences.silent_from, silences.last_message_at) + to_seconds((select seconds from dormant_after)) as dormant_at,
    closing_events.closed_by_event_at,
    closing_events.closing_event_type
  from inquiries
  left join silences using (inquiry_id)
  left join closing_events using (inquiry_id)
),

final as (
  select
    closed.inquiry_id,
    closed.contact_id,
    closed.last_message_at,
    -- When silence closes it unless an event closed it first; closed only once "now" has passed it.
    closed.dormant_at,
    case
      when closed_by_event_at is not null and closed_by_event_at <= dormant_at then closed_by_event_at
      when dormant_at <= {{ as_of() }} then dormant_at
    end as closed_at,
    case
      when closed_by_event_at is not null and closed_by_event_at <= dormant_at then closing_event_type
      when dormant_at <= {{ as_of() }} then 'dormant'
    end as close_reason,
    latest_dispositions.disposition_at,
    latest_dispositions.disposition,
    latest_dispositions.next_action,
    latest_dispositions.next_action_at,
    latest_dispositions.disposition_agent_id
  from closed
  left join latest_dispositions using (inquiry_id)
)

select * from final
