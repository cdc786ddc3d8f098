-- Incremental: raw only gains rows, so a build appends the ones this table lacks (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  select * from {{ source('whatsapp', 'webhooks') }}
),

renamed as (
  select
    webhook_id,
    landing_id,
    landed_at,
    {{ build_started_at() }} as appended_at,
    source as source_name
  from source
)

select * from renamed
{{ only_new_rows('webhook_id') }}
