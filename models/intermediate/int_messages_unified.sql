-- Every message between the business and a contact on one timeline, up to "now" (as_of): what
-- contacts sent (from webhooks) and what the business sent (from the outbound log, or seen only
-- through delivery statuses, then with author_kind unknown), with how far delivery got.

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

delivery as (
  -- Statuses arrive out of order; a message failed when it failed and was never delivered or read.
  select
    message_id,
    arg_max(status, status_rank) as delivery_status,
    bool_or(status = 'failed') and not bool_or(status in ('delivered', 'read', 'played')) as is_delivery_failed
  from statuses
  where status_at <= {{ as_of() }}
  group by message_id
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
    unioned.*,
    delivery.delivery_status,
    coalesce(delivery.is_delivery_failed, false) as is_delivery_failed,
    -- Broadcasts go to everyone on a list; they do not keep a conversation alive.
    unioned.author_kind <> 'campaign' as is_conversational
  from unioned
  left join delivery using (message_id)
  where unioned.sent_at <= {{ as_of() }}
)

select * from final
