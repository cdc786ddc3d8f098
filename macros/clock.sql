{#-
  "Now" for the build: env REPLYWATCH_AS_OF, which the CLI always sets (--as-of, REPLYWATCH_NOW or
  the clock); unit tests override the as_of var. An env var rather than --vars keeps dbt's partial
  parsing, which any change of --vars switches off.
-#}
{% macro as_of() -%}
  '{{ var("as_of", env_var("REPLYWATCH_AS_OF", "2026-01-01T00:00:00Z")) }}'::timestamptz
{%- endmacro %}

{#- An instant as a naive local timestamp in the business's time zone (for hours, days, weeks). -#}
{% macro to_local(column) -%}
  timezone('{{ var("business_timezone") }}', {{ column }})
{%- endmacro %}

{#- A naive local timestamp of the business's time zone as an instant. -#}
{% macro from_local(column) -%}
  timezone('{{ var("business_timezone") }}', {{ column }})
{%- endmacro %}
