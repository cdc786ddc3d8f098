-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('inbox', 'events') }}
),

renamed as (
  select
    event_id,
    event_type,
    event_at,
    phone_number_id,
    {{ whatsapp_id('wa_id') }} as contact_wa_id,
    {{ business_scoped_id('wa_id') }} as contact_user_id,
    agent_id,
    by_agent_id,
    from_agent_id,
    to_agent_id,
    note,
    reason,
    disposition,
    next_action,
    next_action_at,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
