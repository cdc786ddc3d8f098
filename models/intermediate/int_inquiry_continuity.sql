-- Whether a returning contact got the person who handled them last time, and when not, whether
-- the new person had the context: a handoff note to them, acknowledged before they replied.
-- Incremental by contact, "now" reaching it through int_inquiry_closures (deadlines=true).
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts(deadlines=true) }}") }}

with inquiries as (
  select inquiry_id, phone_number_id, contact_id, opened_at from {{ ref('int_inquiries_sessionized') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

first_responses as (
  select inquiry_id, first_response_at, first_response_agent_id from {{ ref('int_inquiry_first_responses') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

triage as (
  select inquiry_id, is_returning from {{ ref('int_inquiry_triage') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

events as (
  select * from {{ ref('int_inbox_events_by_inquiry') }}
  where event_type in ('handoff_note', 'handoff_ack') and {{ is_changed_contact('contact_id', deadlines=true) }}
),

last_handlers as (
  -- Who last replied, person by person, in each inquiry.
  select inquiry_id, arg_max(agent_id, sent_at) as last_handler_agent_id
  from {{ ref('int_messages_by_inquiry') }}
  where direction = 'outbound' and author_kind = 'agent' and not is_delivery_failed and {{ is_changed_contact('contact_id', deadlines=true) }}
  group by inquiry_id
),

previous_handlers as (
  select
    inquiries.inquiry_id,
    arg_max(last_handlers.last_handler_agent_id, earlier.opened_at) as previous_handler_agent_id
  from inquiries
  join inquiries as earlier
    on earlier.phone_number_id = inquiries.phone_number_id
    and earlier.contact_id = inquiries.contact_id
    and earlier.opened_at < inquiries.opened_at
  join last_handlers on last_handlers.inquiry_id = earlier.inquiry_id
  group by inquiries.inquiry_id
),

context_given as (
  select
    first_responses.inquiry_id,
    bool_or(events.event_type = 'handoff_note') as has_note,
    bool_or(events.event_type = 'handoff_ack') as has_ack
  from first_responses
  join events
    on events.inquiry_id = first_responses.inquiry_id
    and events.event_at <= first_responses.first_response_at
    and coalesce(events.to_agent_id, events.agent_id) = first_responses.first_response_agent_id
  group by first_responses.inquiry_id
),

final as (
  select
    inquiries.inquiry_id,
    inquiries.contact_id,
    previous_handlers.previous_handler_agent_id,
    case
      when not triage.is_returning or first_responses.first_response_agent_id is null then null
      else first_responses.first_response_agent_id = previous_handlers.previous_handler_agent_id
    end as is_continuity_kept,
    coalesce(context_given.has_note, false) as has_note_for_first_responder,
    coalesce(context_given.has_ack, false) as has_ack_by_first_responder
  from inquiries
  join triage using (inquiry_id)
  left join first_responses using (inquiry_id)
  left join previous_handlers using (inquiry_id)
  left join context_given using (inquiry_id)
)

select * from final
