{#-
  A WhatsApp id as the Cloud API writes it: digits with the country code. Ids are already
  international, so only formatting is dropped ("+91 98111-12222" → "919811112222"); no country
  code is ever added. Anything else (a business-scoped user id such as "IN.1234…") is not a
  WhatsApp id: null here, kept by business_scoped_id.
-#}
{% macro whatsapp_id(column) -%}
  case
    when regexp_full_match({{ column }}, '[+0-9 ()-]+') then nullif(regexp_replace({{ column }}, '[^0-9]', '', 'g'), '')
  end
{%- endmacro %}

{#- A business-scoped user id (BSUID, 2026), for a field that holds either it or a WhatsApp id. -#}
{% macro business_scoped_id(column) -%}
  case
    when not regexp_full_match({{ column }}, '[+0-9 ()-]+') then nullif(trim({{ column }}), '')
  end
{%- endmacro %}
