-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('roster', 'agents') }}
),

renamed as (
  select
    roster_snapshot_id || ':' || agent_id as agent_version_id,
    roster_snapshot_id,
    agent_id,
    trim(name) as agent_name,
    lower(nullif(trim(email), '')) as email,
    role,
    team,
    nullif(trim(supervisor_id), '') as supervisor_id,
    capacity,
    active as is_active,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
