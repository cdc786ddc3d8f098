-- Inquiries, the unit of response management. An inquiry opens at an inbound message from a
-- contact (on one business number) that has no open inquiry. It stays open until a disposition or
-- closed event (not undone by a reopened event), or until dormant_after (14 days) passes with no
-- message either way (broadcasts do not count). The next inbound message after that opens a new inquiry.
-- Incremental by contact: a build recomputes only the contacts int_changed_contacts lists.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts() }}") }}

with messages as (
  select * from {{ ref('int_messages_unified') }}
  where {{ is_changed_contact('contact_id') }}
),

state_events as (
  select phone_number_id, contact_id, event_type, event_at
  from {{ ref('int_inbox_events') }}
  where event_type in ('disposition', 'closed', 'reopened')
    and {{ is_changed_contact('contact_id') }}
),

dormant_after as (
  select seconds from {{ ref('response_thresholds') }} where threshold = 'dormant_after'
),

timeline as (
  select
    *,
    lag(sent_at) over contact_timeline as previous_message_at
  from messages
  where is_conversational
  window contact_timeline as (partition by phone_number_id, contact_id order by sent_at, direction, message_id)
),

inbound as (
  select
    *,
    lag(sent_at) over (partition by phone_number_id, contact_id order by sent_at, message_id) as previous_inbound_at
  from timeline
  where direction = 'inbound'
),

with_latest_state as (
  -- The latest close or reopen event at or before each inbound message.
  select inbound.*, state_events.event_type as latest_state_event, state_events.event_at as latest_state_event_at
  from inbound
  asof left join state_events
    on inbound.phone_number_id = state_events.phone_number_id
    and inbound.contact_id = state_events.contact_id
    and inbound.sent_at >= state_events.event_at
),

flagged as (
  select
    *,
    previous_inbound_at is null
      or {{ seconds_between("previous_message_at", "sent_at") }} > (select seconds from dormant_after)
      or (latest_state_event in ('disposition', 'closed') and latest_state_event_at > previous_inbound_at)
      as is_inquiry_start
  from with_latest_state
),

numbered as (
  select
    *,
    sum(case when is_inquiry_start then 1 else 0 end)
      over (partition by phone_number_id, contact_id order by sent_at, message_id rows unbounded preceding)
      as inquiry_number
  from flagged
),

inquiries as (
  select
    phone_number_id,
    contact_id,
    inquiry_number,
    max(contact_wa_id) as contact_wa_id,
    arg_min(message_id, sent_at) as opening_message_id,
    min(sent_at) as opened_at,
    count(*) as inbound_message_count,
    arg_min(is_history, sent_at) as is_history
  from numbered
  group by phone_number_id, contact_id, inquiry_number
),

final as (
  select
    substr(md5(opening_message_id), 1, 20) as inquiry_id,
    phone_number_id,
    contact_id,
    contact_wa_id,
    inquiry_number,
    opening_message_id,
    opened_at,
    lead(opened_at) over (partition by phone_number_id, contact_id order by opened_at) as next_opened_at,
    inbound_message_count,
    is_history
  from inquiries
)

select * from final
