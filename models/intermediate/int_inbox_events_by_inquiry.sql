-- Every team event with the inquiry it applies to: the contact's inquiry open at the event's time
-- (the latest one opened at or before it).
-- Incremental by contact: a build recomputes only the contacts int_changed_contacts lists.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts() }}") }}

with events as (
  select * from {{ ref('int_inbox_events') }} where {{ is_changed_contact('contact_id') }}
),

inquiries as (
  select inquiry_id, phone_number_id, contact_id, opened_at from {{ ref('int_inquiries_sessionized') }}
  where {{ is_changed_contact('contact_id') }}
),

final as (
  select events.*, inquiries.inquiry_id
  from events
  asof join inquiries
    on events.phone_number_id = inquiries.phone_number_id
    and events.contact_id = inquiries.contact_id
    and events.event_at >= inquiries.opened_at
)

select * from final
