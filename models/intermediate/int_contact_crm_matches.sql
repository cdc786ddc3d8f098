-- Each WhatsApp contact's CRM contact, matched by phone (normalised to a WhatsApp id). Several CRM
-- contacts can share a phone; the most recently updated one is the match.

with contacts as (
  select distinct contact_id, contact_wa_id from {{ ref('int_messages_unified') }} where contact_wa_id is not null
),

crm_latest as (
  select *
  from {{ ref('stg_crm__contact_versions') }}
  qualify row_number() over (partition by crm_contact_id order by updated_at desc) = 1
),

crm_by_phone as (
  select *
  from crm_latest
  where contact_wa_id is not null
  qualify row_number() over (partition by contact_wa_id order by updated_at desc, crm_contact_id) = 1
),

final as (
  select
    contacts.contact_id,
    crm_by_phone.crm_contact_id,
    crm_by_phone.contact_name as crm_contact_name,
    crm_by_phone.owner_agent_id as crm_owner_agent_id,
    crm_by_phone.lifecycle_stage as crm_lifecycle_stage
  from contacts
  join crm_by_phone on crm_by_phone.contact_wa_id = contacts.contact_wa_id
)

select * from final
