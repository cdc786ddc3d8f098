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

{#-
  When this build started (env REPLYWATCH_BUILD_STARTED_AT, set by the CLI): the incremental staging
  models stamp the rows they append with it, so a build can tell its new rows from the ones before.
-#}
{% macro build_started_at() -%}
  '{{ env_var("REPLYWATCH_BUILD_STARTED_AT", "2026-01-01T00:00:00Z") }}'::timestamptz
{%- endmacro %}

{#- Whether this build started from a copy of the previous warehouse (the CLI then says its "now"). -#}
{% macro starts_from_previous_build() -%}
  {{ return(env_var("REPLYWATCH_PREVIOUS_AS_OF", "") != "") }}
{%- endmacro %}

{#-
  The "now" of the warehouse an incremental build started from (env REPLYWATCH_PREVIOUS_AS_OF); the
  build's own as_of when there is none. Whatever happened between the two is news to this build.
-#}
{% macro previous_as_of() -%}
  {%- set previous = env_var("REPLYWATCH_PREVIOUS_AS_OF", "") -%}
  {%- if previous -%}'{{ previous }}'::timestamptz{%- else -%}{{ as_of() }}{%- endif -%}
{%- endmacro %}
