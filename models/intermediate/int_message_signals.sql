-- What each inbound message signals, from the phrase lists and the product list (seeds): intent,
-- a general question, a bare acknowledgement, a named product, and escalation triggers. The first
-- matching phrase of each signal is kept, so a triage decision can say which phrase made it.

with messages as (
  select * from {{ ref('int_messages_by_inquiry') }} where direction = 'inbound'
),

outbound as (
  select message_id, author_kind from {{ ref('int_messages_unified') }} where direction = 'outbound'
),

phrases as (
  select {{ normalize_words('phrase') }} as phrase_words, phrase, signal, match_type
  from {{ ref('intent_phrases') }}
),

product_aliases as (
  select product_id, product_name, {{ normalize_words('alias') }} as alias_words
  from (select product_id, product_name, unnest(string_split(aliases, '|')) as alias from {{ ref('products') }})
),

normalized as (
  select
    messages.*,
    {{ normalize_words('message_text') }} as words,
    coalesce(replies_to.author_kind = 'campaign', false) or message_type = 'button' as is_broadcast_reply
  from messages
  left join outbound as replies_to on replies_to.message_id = messages.context_message_id
),

phrase_matches as (
  select
    normalized.message_id,
    phrases.signal,
    arg_max(phrases.phrase, length(phrases.phrase)) as phrase
  from normalized
  join phrases
    on (phrases.match_type = 'word' and {{ contains_phrase('normalized.words', 'phrases.phrase_words') }})
    or (phrases.match_type = 'exact' and (normalized.words = phrases.phrase_words or trim(lower(normalized.message_text)) = phrases.phrase))
  group by all
),

product_matches as (
  select normalized.message_id, arg_max(product_aliases.product_name, length(product_aliases.alias_words)) as product_name
  from normalized
  join product_aliases on {{ contains_phrase('normalized.words', 'product_aliases.alias_words') }}
  group by normalized.message_id
),

pivoted as (
  select
    message_id,
    max(phrase) filter (where signal = 'high_intent') as high_intent_phrase,
    max(phrase) filter (where signal = 'information') as information_phrase,
    max(phrase) filter (where signal = 'acknowledgement') as acknowledgement_phrase,
    max(phrase) filter (where signal = 'price_negotiation') as price_negotiation_phrase,
    max(phrase) filter (where signal = 'complaint') as complaint_phrase,
    max(phrase) filter (where signal = 'legal_regulatory') as legal_regulatory_phrase
  from phrase_matches
  group by message_id
),

final as (
  select
    normalized.message_id,
    normalized.inquiry_id,
    normalized.sent_at,
    normalized.message_type,
    normalized.message_text,
    normalized.is_broadcast_reply,
    normalized.message_type = 'reaction' as is_reaction,
    -- A bare acknowledgement is a whole message like "ok" or "🙏", or one with no words at all.
    acknowledgement_phrase is not null
      or (normalized.message_type = 'text' and coalesce(normalized.words, '') = '') as is_bare_acknowledgement,
    pivoted.high_intent_phrase,
    pivoted.information_phrase,
    pivoted.acknowledgement_phrase,
    product_matches.product_name as named_product,
    pivoted.price_negotiation_phrase,
    pivoted.complaint_phrase,
    pivoted.legal_regulatory_phrase
  from normalized
  left join pivoted using (message_id)
  left join product_matches using (message_id)
)

select * from final
