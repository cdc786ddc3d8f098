-- Every message between the business and a contact on one timeline, up to "now" (as_of): what
-- contacts sent; what the business sent, from its outbound log, from the WhatsApp Business app
-- (echoes and history: a person typed those), or seen only through delivery statuses (author
-- unknown); with how far delivery got, and the contact resolved to one key (contact_id).
-- Incremental by contact: a build recomputes only the contacts int_changed_contacts lists.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts() }}") }}

with all_whatsapp as (
  select * from {{ ref('stg_whatsapp__messages') }}
),

all_outbound_log as (
  select * from {{ ref('stg_outbound__messages') }}
),

all_statuses as (
  select * from {{ ref('stg_whatsapp__statuses') }}
),

whatsapp as (
  {{ changed_contacts_only('all_whatsapp', 'contact_wa_id', 'contact_user_id') }}
),

outbound_log as (
  {{ changed_contacts_only('all_outbound_log', 'contact_wa_id', 'contact_user_id') }}
),

statuses as (
  {{ changed_contacts_only('all_statuses', 'recipient_wa_id', 'recipient_user_id') }}
),

identities as (
  select * from {{ ref('int_contact_identities') }}
),

contact_messages as (
  select
    message_id, phone_number_id, contact_wa_id, contact_user_id,
    'inbound' as direction, 'contact' as author_kind, cast(null as varchar) as agent_id, 'whatsapp' as channel,
    sent_at, message_type, message_text, false as is_template, cast(null as varchar) as template_name,
    context_message_id, reaction_emoji, is_ad_referral, is_history
  from whatsapp
  -- System notices, edits and revokes change or describe other messages; they are not messages.
  -- A removed reaction (no emoji) is not a message either.
  where direction = 'inbound'
    and message_type not in ('system', 'edit', 'revoke')
    and not (message_type = 'reaction' and reaction_emoji is null)
),

logged_outbound as (
  select
    message_id, phone_number_id, contact_wa_id, contact_user_id,
    'outbound' as direction, author_kind, agent_id, 'api' as channel,
    sent_at, message_type, message_text, is_template, template_name,
    cast(null as varchar) as context_message_id, cast(null as varchar) as reaction_emoji, false as is_ad_referral, false as is_history
  from outbound_log
),

business_app_outbound as (
  -- Typed by a person in the WhatsApp Business app; which person the app does not say.
  select
    message_id, phone_number_id, contact_wa_id, contact_user_id,
    'outbound' as direction, 'agent' as author_kind, 'business_app' as agent_id, 'business_app' as channel,
    sent_at, message_type, message_text, false as is_template, cast(null as varchar) as template_name,
    context_message_id, cast(null as varchar) as reaction_emoji, false as is_ad_referral, is_history,
    history_status
  from whatsapp
  where direction = 'outbound'
    and message_type not in ('edit', 'revoke')
    and message_id not in (select message_id from all_outbound_log)
),

status_only_outbound as (
  select
    message_id, any_value(phone_number_id) as phone_number_id, any_value(recipient_wa_id) as contact_wa_id,
    any_value(recipient_user_id) as contact_user_id,
    'outbound' as direction, 'unknown' as author_kind, cast(null as varchar) as agent_id, 'api' as channel,
    min(status_at) as sent_at, cast(null as varchar) as message_type, cast(null as varchar) as message_text,
    cast(null as boolean) as is_template, cast(null as varchar) as template_name,
    cast(null as varchar) as context_message_id, cast(null as varchar) as reaction_emoji, false as is_ad_referral,
    false as is_history
  from statuses
  where message_id not in (select message_id from all_outbound_log)
    and message_id not in (select message_id from all_whatsapp)
  group by message_id
),

unioned as (
  select * from contact_messages
  union all by name
  select * from logged_outbound
  union all by name
  select * from business_app_outbound
  union all by name
  select * from status_only_outbound
),

delivery as (
  -- Statuses arrive out of order; a message failed when it failed and was never delivered or read.
  select
    message_id,
    arg_max(status, status_rank) as delivery_status,
    bool_or(status = 'failed') and not bool_or(status in ('delivered', 'read', 'played')) as is_delivery_failed
  from all_statuses
  where status_at <= {{ as_of() }}
    {%- if is_incremental() %}
    and message_id in (select message_id from unioned)
    {%- endif %}
  group by message_id
),

final as (
  select
    unioned.* exclude (contact_wa_id, history_status),
    {{ resolved_contact_id('unioned.contact_wa_id', 'unioned.contact_user_id', 'identities.wa_id') }} as contact_id,
    coalesce(unioned.contact_wa_id, identities.wa_id) as contact_wa_id,
    -- Synced history carries its own delivery state: ERROR never left the phone, PENDING never arrived.
    coalesce(delivery.delivery_status, lower(unioned.history_status)) as delivery_status,
    coalesce(delivery.is_delivery_failed, unioned.history_status in ('ERROR', 'PENDING'), false) as is_delivery_failed,
    -- Broadcasts go to everyone on a list; they do not keep a conversation alive.
    unioned.author_kind <> 'campaign' as is_conversational
  from unioned
  left join identities on identities.user_id = unioned.contact_user_id
  left join delivery using (message_id)
  where unioned.sent_at <= {{ as_of() }}
    and coalesce(unioned.contact_wa_id, unioned.contact_user_id) is not null
)

select * from final
