-- What each inbound message of an inquiry signals: the phrases and product it names (matched once
-- per message in int_message_phrase_matches), whether it is a bare acknowledgement, and whether it
-- answers a broadcast.
-- Incremental by contact: a build recomputes only the contacts int_changed_contacts lists.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts() }}") }}

with messages as (
  select * from {{ ref('int_messages_by_inquiry') }} where direction = 'inbound' and {{ is_changed_contact('contact_id') }}
),

outbound as (
  select message_id, author_kind from {{ ref('int_messages_unified') }} where direction = 'outbound'
),

matches as (
  select * from {{ ref('int_message_phrase_matches') }}
),

normalized as (
  select
    messages.*,
    matches.* exclude (message_id),
    coalesce(replies_to.author_kind = 'campaign', false) or message_type = 'button' as is_broadcast_reply
  from messages
  left join matches using (message_id)
  left join outbound as replies_to on replies_to.message_id = messages.context_message_id
),

final as (
  select
    normalized.message_id,
    normalized.inquiry_id,
    normalized.contact_id,
    normalized.sent_at,
    normalized.message_type,
    normalized.message_text,
    normalized.is_broadcast_reply,
    normalized.message_type = 'reaction' as is_reaction,
    -- A bare acknowledgement is a whole message like "ok" or "🙏", or one with no words at all.
    acknowledgement_phrase is not null
      or (normalized.message_type = 'text' and coalesce(normalized.words, '') = '') as is_bare_acknowledgement,
    normalized.high_intent_phrase,
    normalized.information_phrase,
    normalized.acknowledgement_phrase,
    normalized.named_product,
    normalized.price_negotiation_phrase,
    normalized.complaint_phrase,
    normalized.legal_regulatory_phrase
  from normalized
)

select * from final
