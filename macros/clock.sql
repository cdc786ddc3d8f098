{#- "Now" for the build: the as_of var, which the CLI always sets (--as-of, REPLYWATCH_NOW or the clock). -#}
{% macro as_of() -%}
  '{{ var("as_of") }}'::timestamptz
{%- endmacro %}

{#- An instant as a naive local timestamp in the business's time zone (for hours, days, weeks). -#}
{% macro to_local(column) -%}
  timezone('{{ var("business_timezone") }}', {{ column }})
{%- endmacro %}

{#- A naive local timestamp of the business's time zone as an instant. -#}
{% macro from_local(column) -%}
  timezone('{{ var("business_timezone") }}', {{ column }})
{%- endmacro %}
