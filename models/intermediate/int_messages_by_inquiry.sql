-- Every message with the inquiry it belongs to: the latest inquiry of the contact that opened at or
-- before it. Outbound messages to a contact who never wrote (a campaign) belong to no inquiry.
-- Incremental by contact: a build recomputes only the contacts int_changed_contacts lists.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts() }}") }}

with messages as (
  select * from {{ ref('int_messages_unified') }}
  where {{ is_changed_contact('contact_id') }}
),

inquiries as (
  select inquiry_id, phone_number_id, contact_id, opened_at from {{ ref('int_inquiries_sessionized') }}
  where {{ is_changed_contact('contact_id') }}
),

joined as (
  select messages.*, inquiries.inquiry_id, inquiries.opened_at as inquiry_opened_at
  from messages
  asof left join inquiries
    on messages.phone_number_id = inquiries.phone_number_id
    and messages.contact_id = inquiries.contact_id
    and messages.sent_at >= inquiries.opened_at
),

final as (
  select
    *,
    row_number() over (partition by inquiry_id order by sent_at, direction, message_id) as message_number
  from joined
  where inquiry_id is not null
)

select * from final
