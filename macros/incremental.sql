{#-
  The staging models of messages, statuses, team events, roster and CRM versions are incremental:
  raw tables only ever gain rows (one per natural key, never deleted or updated), so a build appends
  the raw rows past the last one the model has, by raw_row, the row's position in its raw table
  (DuckDB's rowid: rows appended later get larger ones). An anti-join on the key did the same, but
  read both whole tables on every build (2-4 s with nothing new at 1M messages).
  tests/reconciliation/staging_keeps_every_raw_row.sql checks that each such table has as many rows
  as its raw table. The CLI starts a build from a copy of the previous warehouse only when nothing
  that shapes these tables changed, raw.duckdb included (see pipeline/build-fingerprint.ts);
  otherwise the tables do not exist and the models build in full.
-#}
{#- A staging model's raw rows, with their position in the raw table (raw_row). -#}
{% macro raw_rows(source_name, table_name) -%}
  {#- A unit test puts a CTE of its fixture rows in the source's place, and a CTE has no rowid. #}
select *, {{ 'cast(null as bigint)' if model.resource_type == 'unit_test' else 'rowid' }} as raw_row from {{ source(source_name, table_name) }}
{%- endmacro %}

{#- The filter that keeps only raw rows past the model's last one; nothing on a full build. -#}
{% macro only_new_raw_rows() -%}
  {%- if is_incremental() %}
where raw_row > (select coalesce(max(raw_row), -1) from {{ this }})
  {%- endif %}
{%- endmacro %}

{#-
  Contact-scoped incremental models (int_messages_unified and the per-inquiry models built from it,
  up to int_inquiry_closures and the four built from it alone) keep every row of a contact
  together. An incremental build deletes the rows of the contacts int_changed_contacts lists
  (this macro, as the model's pre-hook) and appends them computed again (the model filters its
  inputs with changed_contacts_only and is_changed_contact); everyone else's rows stay as they
  are. Each model names
  `-- depends_on: {{ ref('int_changed_contacts') }}`, since dbt cannot see a ref inside an
  is_incremental() block when it parses.
-#}
{#-
  deadlines=true in a model whose rows change with "now" alone (int_inquiry_closures and the models
  built from it): it also recomputes the contacts int_changed_contacts lists for a deadline that
  fell between the two builds' "now". The other contact-scoped models skip those contacts.
-#}
{% macro delete_changed_contacts(deadlines=false) -%}
  {%- if is_incremental() -%}
    {#- int_changed_contacts lists nobody then, so recomputing nobody would keep stale rows. -#}
    {%- if not starts_from_previous_build() -%}
      {{ exceptions.raise_compiler_error(this.identifier ~ " exists, but this build did not start from a previous warehouse: build with --full-refresh") }}
    {%- endif %}
delete from {{ this }} where contact_id in ({{ changed_contact_ids(deadlines) }})
  {%- endif -%}
{%- endmacro %}

{#- Whether a contact key is one this build recomputes: always, on a full build. -#}
{% macro is_changed_contact(column, deadlines=false) -%}
  {%- if is_incremental() -%}
{{ column }} in ({{ changed_contact_ids(deadlines) }})
  {%- else -%}
true
  {%- endif -%}
{%- endmacro %}

{#- A table as the warehouse this build started from has it (none on a full build): read before this build replaces it. -#}
{% macro previous_build_relation(identifier) -%}
  {%- if execute and starts_from_previous_build() -%}
    {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier=identifier)) }}
  {%- endif -%}
  {{ return(none) }}
{%- endmacro %}

{% macro changed_contact_ids(deadlines=false) -%}
select contact_id from {{ ref('int_changed_contacts') }}{% if not deadlines %} where has_changed_rows{% endif %}
{%- endmacro %}

{#- The rows of a staging relation whose contact (resolved as int_messages_unified does) this build recomputes. -#}
{% macro changed_contacts_only(relation, wa_id, user_id) -%}
select {{ relation }}.* from {{ relation }}
  {%- if is_incremental() %}
left join {{ ref('int_contact_identities') }} as identities on identities.user_id = {{ relation }}.{{ user_id }}
where {{ is_changed_contact(resolved_contact_id(relation ~ '.' ~ wa_id, relation ~ '.' ~ user_id, 'identities.wa_id')) }}
  {%- endif %}
{%- endmacro %}

{#- One key per contact: the WhatsApp id when any row or identity pair gives it, else the business-scoped user id. -#}
{% macro resolved_contact_id(wa_id, user_id, identity_wa_id) -%}
coalesce({{ wa_id }}, {{ identity_wa_id }}, 'user:' || {{ user_id }})
{%- endmacro %}
