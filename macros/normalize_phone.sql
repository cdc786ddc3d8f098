{#-
  A phone number as a WhatsApp id (digits with the country code). The rule itself is the
  normalize_phone macro of raw.duckdb (ingest/raw/schema.sql), so the CRM pull's match report and
  the models normalise the same way; a local number gets var default_country_code.
-#}
{% macro normalize_phone(column) -%}
  raw.main.normalize_phone({{ column }}, '{{ var("default_country_code") }}')
{%- endmacro %}
