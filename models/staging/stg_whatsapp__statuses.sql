-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('whatsapp', 'statuses') }}
),

renamed as (
  select
    status_key as status_id,
    wamid as message_id,
    webhook_id,
    phone_number_id,
    status,
    status_at,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row,
    {{ whatsapp_id("recipient_wa_id") }} as recipient_wa_id,
    recipient_user_id,
    biz_opaque_callback_data,
    conversation_id,
    conversation_origin_type,
    conversation_expires_at,
    pricing_billable as is_billable,
    pricing_model,
    pricing_type,
    -- Meta spells it authentication-international on status pages, with an underscore elsewhere.
    replace(pricing_category, '-', '_') as pricing_category,
    error_code,
    error_title,
    error_details,
    -- How far a message got; statuses arrive out of order, so the furthest one wins downstream.
    -- A failure counts for more than "sent" but less than a delivery on another device.
    case status
      when 'sent' then 1
      when 'failed' then 2
      when 'delivered' then 3
      when 'read' then 4
      when 'played' then 5
      else 0
    end as status_rank
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
