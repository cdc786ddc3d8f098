-- Which phrase of each signal (intent, question, acknowledgement, escalation triggers) and which
-- product each inbound WhatsApp message names, from the phrase and product seeds. The longest
-- matching phrase of a signal is kept, so a triage decision can say which phrase made it.
-- Matching every message against every phrase is the build's costliest comparison and depends only
-- on the text and the seeds, so it is incremental: a build matches only messages it has not seen
-- (a changed seed changes the build fingerprint, and then everything is matched again).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with messages as (
  select message_id, message_text, {{ normalize_words('message_text') }} as words
  from {{ ref('stg_whatsapp__messages') }}
  where direction = 'inbound'
  {%- if is_incremental() %}
    and message_id not in (select message_id from {{ this }})
  {%- endif %}
),

phrases as (
  select {{ normalize_words('phrase') }} as phrase_words, phrase, signal, match_type
  from {{ ref('intent_phrases') }}
),

product_aliases as (
  select product_id, product_name, {{ normalize_words('alias') }} as alias_words
  from (select product_id, product_name, unnest(string_split(aliases, '|')) as alias from {{ ref('products') }})
),

phrase_matches as (
  select
    messages.message_id,
    phrases.signal,
    arg_max(phrases.phrase, length(phrases.phrase)) as phrase
  from messages
  join phrases
    on (phrases.match_type = 'word' and {{ contains_phrase('messages.words', 'phrases.phrase_words') }})
    or (phrases.match_type = 'exact' and (messages.words = phrases.phrase_words or trim(lower(messages.message_text)) = phrases.phrase))
  group by all
),

product_matches as (
  select messages.message_id, arg_max(product_aliases.product_name, length(product_aliases.alias_words)) as product_name
  from messages
  join product_aliases on {{ contains_phrase('messages.words', 'product_aliases.alias_words') }}
  group by messages.message_id
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
)

select
  messages.message_id,
  messages.words,
  pivoted.high_intent_phrase,
  pivoted.information_phrase,
  pivoted.acknowledgement_phrase,
  pivoted.price_negotiation_phrase,
  pivoted.complaint_phrase,
  pivoted.legal_regulatory_phrase,
  product_matches.product_name as named_product
from messages
left join pivoted using (message_id)
left join product_matches using (message_id)
