-- The first reply of each kind to each inquiry, while it was open: the first message by a person
-- (author_kind agent) is the first response; the first automated message is the auto-acknowledgement.
-- Automations, campaigns and messages of unknown origin never count as a response, nor does a
-- message that failed to deliver: the customer never saw it.
-- Incremental by contact, "now" reaching it through int_inquiry_closures (deadlines=true).
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts(deadlines=true) }}") }}

with inquiries as (
  select * from {{ ref('int_inquiries_sessionized') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

closures as (
  select inquiry_id, closed_at from {{ ref('int_inquiry_closures') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

outbound as (
  select messages.*
  from {{ ref('int_messages_by_inquiry') }} as messages
  left join closures using (inquiry_id)
  where {{ is_changed_contact('messages.contact_id', deadlines=true) }}
    and messages.direction = 'outbound'
    and not messages.is_delivery_failed
    and (closures.closed_at is null or messages.sent_at <= closures.closed_at)
),

first_human as (
  select
    inquiry_id,
    min(sent_at) as first_response_at,
    arg_min(message_id, sent_at) as first_response_message_id,
    arg_min(agent_id, sent_at) as first_response_agent_id
  from outbound
  where author_kind = 'agent'
  group by inquiry_id
),

first_automated as (
  select inquiry_id, min(sent_at) as auto_ack_at
  from outbound
  where author_kind = 'automation'
  group by inquiry_id
),

final as (
  select
    inquiries.inquiry_id,
    inquiries.contact_id,
    first_automated.auto_ack_at,
    {{ seconds_between("inquiries.opened_at", "first_automated.auto_ack_at") }} as auto_ack_seconds,
    first_human.first_response_at,
    first_human.first_response_message_id,
    first_human.first_response_agent_id,
    {{ seconds_between("inquiries.opened_at", "first_human.first_response_at") }} as first_response_seconds
  from inquiries
  left join first_human using (inquiry_id)
  left join first_automated using (inquiry_id)
)

select * from final
