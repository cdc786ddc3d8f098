-- Incremental: raw only gains rows, so a build appends the ones past this table's last (macros/incremental.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with source as (
  {{ raw_rows('whatsapp', 'messages') }}
),

renamed as (
  select
    wamid as message_id,
    webhook_id,
    change_field,
    phone_number_id,
    display_phone_number,
    direction,
    -- The contact is the sender of what comes in and the recipient of what goes out.
    case direction when 'inbound' then {{ whatsapp_id('from_wa_id') }} else {{ whatsapp_id('to_wa_id') }} end as contact_wa_id,
    case direction when 'inbound' then from_user_id else to_user_id end as contact_user_id,
    change_field = 'smb_message_echoes' as is_business_app_echo,
    change_field = 'history' as is_history,
    history_thread_id,
    history_phase,
    history_chunk_order,
    history_status,
    sent_at,
    landed_at,
    {{ build_started_at() }} as appended_at,
    raw_row,
    message_type,
    text_body,
    caption,
    -- What the contact said, whatever the type: the text the triage rules read.
    coalesce(text_body, caption, reply_title, order_text, location_name) as message_text,
    media_id,
    media_mime_type,
    document_filename,
    is_voice,
    interactive_type,
    reply_id,
    reply_title,
    reaction_message_id,
    reaction_emoji,
    location_latitude,
    location_longitude,
    location_name,
    location_address,
    order_catalog_id,
    order_text,
    order_item_count,
    order_value,
    order_currency,
    shared_contact_count,
    shared_contact_name,
    shared_contact_phone,
    flow_response_json,
    system_type,
    system_body,
    context_message_id,
    context_from,
    coalesce(is_forwarded, false) as is_forwarded,
    coalesce(is_frequently_forwarded, false) as is_frequently_forwarded,
    referred_product_catalog_id,
    referred_product_retailer_id,
    referral_source_type,
    referral_source_id,
    referral_source_url,
    referral_headline,
    referral_body,
    referral_ctwa_clid,
    referral_source_type is not null as is_ad_referral,
    edited_message_id,
    error_code,
    error_title
  from source
)

select * from renamed
{{ only_new_raw_rows() }}
