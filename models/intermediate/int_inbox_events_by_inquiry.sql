-- Every team event with the inquiry it applies to: the contact's inquiry open at the event's time
-- (the latest one opened at or before it).

with events as (
  select * from {{ ref('int_inbox_events') }}
),

inquiries as (
  select inquiry_id, phone_number_id, contact_id, opened_at from {{ ref('int_inquiries_sessionized') }}
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
