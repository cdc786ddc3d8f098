{#-
  A WhatsApp id as the Cloud API writes it: digits with the country code. Ids are already
  international, so only formatting is dropped ("+91 98111-12222" → "919811112222"); no country
  code is ever added. A business-scoped user id ("IN.1234…") is kept as it is.
-#}
{% macro whatsapp_id(column) -%}
  case
    when regexp_full_match({{ column }}, '[+0-9 ()-]+') then nullif(regexp_replace({{ column }}, '[^0-9]', '', 'g'), '')
    else nullif(trim({{ column }}), '')
  end
{%- endmacro %}
