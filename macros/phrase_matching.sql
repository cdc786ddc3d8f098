{#-
  Text reduced to its words: lower case, anything that is not a Latin letter, a digit or a
  Devanagari letter or sign becomes one space. Phrases go through the same reduction, so "JEE
  2-year" matches "jee 2 year", and a phrase matches whole words only.
-#}
{% macro normalize_words(column) -%}
  trim(regexp_replace(lower({{ column }}), '[^a-z0-9\x{0900}-\x{0963}\x{0966}-\x{097F}]+', ' ', 'g'))
{%- endmacro %}

{#- True when the phrase (already normalised) occurs in the words as whole words. -#}
{% macro contains_phrase(words, phrase) -%}
  contains(' ' || {{ words }} || ' ', ' ' || {{ phrase }} || ' ')
{%- endmacro %}

{#-
  The longest of the (normalised) words, the first of equally long ones; '' when there are none.
  A phrase occurs only where its longest word does, usually its rarest: a good join key.
-#}
{% macro longest_word(words) -%}
  list_reduce(string_split({{ words }}, ' '), lambda longest, word: if(length(word) > length(longest), word, longest))
{%- endmacro %}
