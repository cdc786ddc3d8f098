-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('whatsapp', 'contacts') }}
),

renamed as (
  select
    contact_key as contact_profile_id,
    webhook_id,
    phone_number_id,
    {{ whatsapp_id('wa_id') }} as contact_wa_id,
    user_id as contact_user_id,
    username,
    nullif(trim(profile_name), '') as profile_name,
    seen_at,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
