-- Which phrase of each signal (intent, question, acknowledgement, escalation triggers) and which
-- product each inbound WhatsApp message names, from the phrase and product seeds. The longest
-- matching phrase of a signal is kept, so a triage decision can say which phrase made it, and the
-- product of the longest matching alias; of equally long ones, the first in the seed.
-- A message is tested only against the phrases and aliases whose longest word it has (a hash join
-- on words), not against all of them. Matching depends only on the text and the seeds, so it is
-- incremental: a build matches only the messages it appended to stg_whatsapp__messages (a changed
-- seed changes the build fingerprint, and then everything is matched again).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with messages as materialized (
  select message_id, message_text, {{ normalize_words('message_text') }} as words
  from {{ ref('stg_whatsapp__messages') }}
  where direction = 'inbound'
  {%- if is_incremental() %}
    and appended_at = {{ build_started_at() }}
  {%- endif %}
),

-- Phrases and product aliases alike are targets; preference 1 is the longest of its kind, and seed
-- order breaks ties explicitly (the former all-pairs join kept the first listed as a side effect of
-- its scan order; the hash joins below find matches in no fixed order).
phrases as (
  select
    'phrase' as kind, signal, phrase as named, phrase_words as target_words, match_type,
    row_number() over (order by length(phrase) desc, seed_position) as preference
  from (
    select phrase, signal, match_type, {{ normalize_words('phrase') }} as phrase_words, row_number() over () as seed_position
    from {{ ref('intent_phrases') }}
  )
),

product_aliases as (
  select
    'product' as kind, null as signal, product_name as named, alias_words as target_words, 'word' as match_type,
    row_number() over (order by length(alias_words) desc, seed_position) as preference
  from (
    select product_name, {{ normalize_words('alias') }} as alias_words, row_number() over () as seed_position
    from (select product_name, unnest(string_split(aliases, '|')) as alias from {{ ref('products') }})
  )
),

targets as (
  select * from phrases
  union all
  select * from product_aliases
),

-- A target occurs only in a message that has its longest word (as a rule its rarest): the join
-- key. A target without words has the key '', the one word of a message without words, and
-- contains_phrase pairs exactly those. A repeated word repeats a candidate, which changes no pick.
word_matches as (
  select message_words.message_id, keyed.kind, keyed.signal, keyed.named, keyed.preference
  from (select message_id, words, unnest(string_split(words, ' ')) as word from messages) as message_words
  join (select *, {{ longest_word('target_words') }} as key_word from targets where match_type = 'word') as keyed
    on keyed.key_word = message_words.word
  where {{ contains_phrase('message_words.words', 'keyed.target_words') }}
),

-- An 'exact' phrase is the whole message: its words, or its text trimmed and in lower case; two
-- equality joins rather than one join on either.
exact_matches as (
  select messages.message_id, targets.kind, targets.signal, targets.named, targets.preference
  from messages
  join targets on targets.match_type = 'exact' and messages.words = targets.target_words
  union all
  select messages.message_id, targets.kind, targets.signal, targets.named, targets.preference
  from messages
  join targets on targets.match_type = 'exact' and trim(lower(messages.message_text)) = targets.named
),

pivoted as (
  select
    message_id,
    arg_min(named, preference) filter (where kind = 'phrase' and signal = 'high_intent') as high_intent_phrase,
    arg_min(named, preference) filter (where kind = 'phrase' and signal = 'information') as information_phrase,
    arg_min(named, preference) filter (where kind = 'phrase' and signal = 'acknowledgement') as acknowledgement_phrase,
    arg_min(named, preference) filter (where kind = 'phrase' and signal = 'price_negotiation') as price_negotiation_phrase,
    arg_min(named, preference) filter (where kind = 'phrase' and signal = 'complaint') as complaint_phrase,
    arg_min(named, preference) filter (where kind = 'phrase' and signal = 'legal_regulatory') as legal_regulatory_phrase,
    arg_min(named, preference) filter (where kind = 'product') as named_product
  from (select * from word_matches union all select * from exact_matches)
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
  pivoted.named_product
from messages
left join pivoted using (message_id)
