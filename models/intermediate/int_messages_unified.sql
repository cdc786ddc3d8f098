-- Every message between the business and a contact on one timeline: what contacts sent (from
-- webhooks) and what the business sent (from the outbound log, or seen only through delivery
-- statuses, then with author_kind unknown).

with inbound as (
  select * from {{ ref('stg_whatsapp__messages') }}
),

outbound as (
  select * from {{ ref('stg_outbound__messages') }}
),

statuses as (
  select * from {{ ref('stg_whatsapp__statuses') }}
),

contact_messages as (
  select
    message_id,
    phone_number_id,
    contact_wa_id,
    'inbound' as direction,
    'contact' as author_kind,
    cast(null as varchar) as agent_id,
    sent_at,
    message_type,
    message_text,
    false as is_template,
    cast(null as varchar) as template_name,
    context_message_id,
    reaction_emoji,
    is_ad_referral
  from inbound
  -- System notices, edits and revokes change or describe other messages; they are not messages.
  -- A removed reaction (no emoji) is not a message either.
  where message_type not in ('system', 'edit', 'revoke')
    and not (message_type = 'reaction' and reaction_emoji is null)
    and contact_wa_id is not null
),

logged_outbound as (
  select
    message_id,
    phone_number_id,
    contact_wa_id,
    'outbound' as direction,
    author_kind,
    agent_id,
    sent_at,
    message_type,
    message_text,
    is_template,
    template_name,
    cast(null as varchar) as context_message_id,
    cast(null as varchar) as reaction_emoji,
    false as is_ad_referral
  from outbound
),

status_only_outbound as (
  select
    message_id,
    any_value(phone_number_id) as phone_number_id,
    any_value(recipient_wa_id) as contact_wa_id,
    'outbound' as direction,
    'unknown' as author_kind,
    cast(null as varchar) as agent_id,
    min(status_at) as sent_at,
    cast(null as varchar) as message_type,
    cast(null as varchar) as message_text,
    cast(null as boolean) as is_template,
    cast(null as varchar) as template_name,
    cast(null as varchar) as context_message_id,
    cast(null as varchar) as reaction_emoji,
    false as is_ad_referral
  from statuses
  where message_id not in (select message_id from outbound)
  group by message_id
  having any_value(recipient_wa_id) is not null
),

unioned as (
  select * from contact_messages
  union all
  select * from logged_outbound
  union all
  select * from status_only_outbound
),

final as (
  select
    *,
    -- Broadcasts go to everyone on a list; they do not keep a conversation alive.
    author_kind <> 'campaign' as is_conversational
  from unioned
)

select * from final
