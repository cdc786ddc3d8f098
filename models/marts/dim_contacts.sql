-- Everyone who wrote to the business on WhatsApp, one row per contact (their WhatsApp id, or their
-- business-scoped user id while no WhatsApp id is known), with the name to show and the CRM
-- contact matched by phone number.

with messages as (
  select * from {{ ref('int_messages_unified') }} where direction = 'inbound'
),

identities as (
  select * from {{ ref('int_contact_identities') }}
),

profiles as (
  select
    coalesce(profile.contact_wa_id, identities.wa_id, 'user:' || profile.contact_user_id) as contact_id,
    arg_max(profile.profile_name, profile.seen_at) filter (where profile.profile_name is not null) as whatsapp_profile_name,
    arg_max(profile.username, profile.seen_at) filter (where profile.username is not null) as username,
    max(profile.contact_user_id) as contact_user_id
  from {{ ref('stg_whatsapp__contacts') }} as profile
  left join identities on identities.user_id = profile.contact_user_id
  group by all
),

crm as (
  select * from {{ ref('int_contact_crm_matches') }}
),

activity as (
  select
    contact_id,
    max(contact_wa_id) as contact_wa_id,
    min(sent_at) as first_message_at,
    max(sent_at) as last_message_at,
    count(*) as inbound_message_count
  from messages
  group by contact_id
),

final as (
  select
    activity.contact_id,
    activity.contact_wa_id,
    profiles.contact_user_id,
    profiles.username,
    coalesce(profiles.whatsapp_profile_name, crm.crm_contact_name, profiles.username) as contact_name,
    profiles.whatsapp_profile_name,
    crm.crm_contact_id,
    crm.crm_contact_name,
    crm.crm_owner_agent_id,
    crm.crm_lifecycle_stage,
    activity.first_message_at,
    activity.last_message_at,
    activity.inbound_message_count
  from activity
  left join profiles using (contact_id)
  left join crm using (contact_id)
)

select * from final
