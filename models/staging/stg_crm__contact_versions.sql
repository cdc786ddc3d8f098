-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('crm', 'contacts') }}
),

renamed as (
  select
    crm_contact_id || '@' || strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%fZ') as contact_version_id,
    crm_contact_id,
    phone as phone_raw,
    {{ normalize_phone('phone') }} as contact_wa_id,
    '+' || {{ normalize_phone('phone') }} as phone_e164,
    nullif(trim(name), '') as contact_name,
    owner_agent_id,
    lifecycle_stage,
    created_at,
    updated_at,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
