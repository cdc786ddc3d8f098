-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('crm', 'deals') }}
),

renamed as (
  select
    deal_id || '@' || strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%fZ') as deal_version_id,
    deal_id,
    crm_contact_id,
    name as deal_name,
    amount_inr,
    stage as deal_stage,
    owner_agent_id,
    created_at,
    updated_at,
    closed_at,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
