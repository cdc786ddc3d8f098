-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('outbound', 'messages') }}
),

renamed as (
  select
    wamid as message_id,
    phone_number_id,
    {{ whatsapp_id('to_wa_id') }} as contact_wa_id,
    -- The send API also accepts a business-scoped user id as the recipient.
    {{ business_scoped_id('to_wa_id') }} as contact_user_id,
    sent_at,
    author_kind,
    agent_id,
    message_type,
    template_name,
    template_name is not null as is_template,
    text as message_text,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
