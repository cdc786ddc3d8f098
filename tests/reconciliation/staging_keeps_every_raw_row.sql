-- Reconciliation: each incremental staging table has as many rows as its raw table (an incremental
-- build appends the raw rows past its last raw_row: macros/incremental.sql). With the unique test
-- on each table's key, that is one row per raw row. Returns the tables whose counts differ.

{% set tables = [
  ('stg_whatsapp__webhooks', 'whatsapp', 'webhooks'),
  ('stg_whatsapp__messages', 'whatsapp', 'messages'),
  ('stg_whatsapp__statuses', 'whatsapp', 'statuses'),
  ('stg_whatsapp__contacts', 'whatsapp', 'contacts'),
  ('stg_outbound__messages', 'outbound', 'messages'),
  ('stg_inbox__events', 'inbox', 'events'),
  ('stg_roster__agent_versions', 'roster', 'agents'),
  ('stg_crm__contact_versions', 'crm', 'contacts'),
  ('stg_crm__deal_versions', 'crm', 'deals'),
] %}

with counts as (
  {%- for model, source_name, table_name in tables %}
  select
    '{{ model }}' as staging_table,
    (select count(*) from {{ ref(model) }}) as staging_rows,
    (select count(*) from {{ source(source_name, table_name) }}) as raw_rows
  {%- if not loop.last %}
  union all{% endif %}
  {%- endfor %}
)

select * from counts
where staging_rows <> raw_rows
