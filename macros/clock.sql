{#-
  The build's settings, which the CLI passes as env vars (REPLYWATCH_AS_OF, _PREVIOUS_AS_OF,
  _BUILD_STARTED_AT, _BUILD_FINGERPRINT) and which change from build to build. They are read only
  when the SQL runs: read while dbt parses, a changed one made dbt parse again every file whose
  SQL reads it (up to 21 files, 2.6 s per build at 1M messages). So nothing that dbt parses, a
  model's config or refs, may depend on them. Env vars rather than --vars keep dbt's partial
  parsing, which any change of --vars switches off.
-#}
{% macro build_setting(name, default) -%}
  {%- if execute -%}
    {{ return(env_var(name, default)) }}
  {%- endif -%}
  {{ return(default) }}
{%- endmacro %}

{#-
  "Now" for the build: REPLYWATCH_AS_OF, which the CLI always sets (--as-of, REPLYWATCH_NOW or the
  clock); unit tests override the as_of var.
-#}
{% macro as_of() -%}
  '{{ var("as_of", build_setting("REPLYWATCH_AS_OF", "2026-01-01T00:00:00Z")) }}'::timestamptz
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
  When this build started (REPLYWATCH_BUILD_STARTED_AT): the incremental staging models stamp the
  rows they append with it, so a build can tell its new rows from the ones before.
-#}
{% macro build_started_at() -%}
  '{{ build_setting("REPLYWATCH_BUILD_STARTED_AT", "2026-01-01T00:00:00Z") }}'::timestamptz
{%- endmacro %}

{#- Whether this build started from a copy of the previous warehouse (the CLI then says its "now"). -#}
{% macro starts_from_previous_build() -%}
  {{ return(build_setting("REPLYWATCH_PREVIOUS_AS_OF", "") != "") }}
{%- endmacro %}

{#-
  The "now" of the warehouse an incremental build started from (REPLYWATCH_PREVIOUS_AS_OF); the
  build's own as_of when there is none. Whatever happened between the two is news to this build.
-#}
{% macro previous_as_of() -%}
  {%- set previous = build_setting("REPLYWATCH_PREVIOUS_AS_OF", "") -%}
  {%- if previous -%}'{{ previous }}'::timestamptz{%- else -%}{{ as_of() }}{%- endif -%}
{%- endmacro %}
