with source as (
  select * from {{ source('whatsapp', 'messages') }}
),

renamed as (
  select
    wamid as message_id,
    webhook_id,
    change_field,
    phone_number_id,
    display_phone_number,
    {{ normalize_phone('from_wa_id') }} as contact_wa_id,
    from_user_id as contact_user_id,
    sent_at,
    landed_at,
    message_type,
    text_body,
    caption,
    -- What the contact said, whatever the type: the text the triage rules read.
    coalesce(text_body, caption, reply_title, location_name) as message_text,
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
