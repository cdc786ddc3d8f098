-- Which WhatsApp id belongs to which business-scoped user id (BSUID, 2026). Webhooks may carry
-- only the BSUID of a contact who uses a username; wherever both appear together (a contacts
-- entry, a message, a status) they are the same person, and every model keys the contact by the
-- WhatsApp id when one is known.

with pairs as (
  select contact_user_id as user_id, contact_wa_id as wa_id, seen_at
  from {{ ref('stg_whatsapp__contacts') }}
  where contact_user_id is not null and contact_wa_id is not null
  union all
  select contact_user_id, contact_wa_id, sent_at
  from {{ ref('stg_whatsapp__messages') }}
  where contact_user_id is not null and contact_wa_id is not null
  union all
  select recipient_user_id, recipient_wa_id, status_at
  from {{ ref('stg_whatsapp__statuses') }}
  where recipient_user_id is not null and recipient_wa_id is not null
),

final as (
  select user_id, arg_max(wa_id, seen_at) as wa_id
  from pairs
  group by user_id
)

select * from final
