-- A short extractive digest of each inquiry's conversation for the CRM: the contact's first
-- question, the amounts and dates anyone mentioned, and the contact's last message. Extractive on
-- purpose: it quotes, it never invents.
-- Incremental by contact: a build recomputes only the contacts int_changed_contacts lists.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts() }}") }}

with messages as (
  select * from {{ ref('int_messages_by_inquiry') }}
  where message_text is not null and is_conversational and {{ is_changed_contact('contact_id') }}
),

per_inquiry as (
  select
    inquiry_id,
    contact_id,
    coalesce(
      arg_min(message_text, sent_at) filter (where direction = 'inbound' and contains(message_text, '?')),
      arg_min(message_text, sent_at) filter (where direction = 'inbound')
    ) as first_question,
    arg_max(message_text, sent_at) filter (where direction = 'inbound') as last_customer_message,
    string_agg(message_text, ' ' order by sent_at) as conversation_text
  from messages
  group by inquiry_id, contact_id
),

final as (
  select
    inquiry_id,
    contact_id,
    left(first_question, 200) as first_question,
    left(last_customer_message, 200) as last_customer_message,
    list_distinct(regexp_extract_all(
      lower(conversation_text),
      '(₹\s?[0-9][0-9,]*(?:\.[0-9]+)?|rs\.?\s?[0-9][0-9,]*|[0-9]+(?:\.[0-9]+)?\s?(?:lakh|lac|crore))'
    )) as amounts_mentioned,
    list_distinct(regexp_extract_all(
      lower(conversation_text),
      '([0-9]{1,2}(?:st|nd|rd|th)\b|[0-9]{1,2}[/-][0-9]{1,2}(?:[/-][0-9]{2,4})?|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|next week)\b)'
    )) as dates_mentioned
  from per_inquiry
)

select * from final
