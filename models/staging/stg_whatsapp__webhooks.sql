-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('whatsapp', 'webhooks') }}
),

renamed as (
  select
    webhook_id,
    landing_id,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row,
    source as source_name
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
