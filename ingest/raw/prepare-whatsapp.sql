-- Flattens a group's WhatsApp webhook bodies (landing_batch) into scratch tables, each body once:
-- the bodies not seen before, their values, and the messages and statuses in them, typed, each with
-- the reason it cannot be loaded where there is one. Temp tables only, made before the group's
-- transaction (ingest/load-raw.ts); load-whatsapp.sql then writes the raw tables from them.
-- Nothing in a body may raise an error here: an error fails the whole group of segments, and every
-- other body in it would wait behind the bad one.

-- Meta sends Unix seconds as a string; some BSPs send milliseconds. A number out of range
-- ("-99999999999999") is null rather than a conversion error.
create or replace temp macro unix_instant(value) as try(
  case
    when try_cast(value as bigint) > 100000000000 then to_timestamp(try_cast(value as bigint) / 1000)
    else to_timestamp(try_cast(value as bigint))
  end
);

-- Which lines of the batch are bodies not seen before (ids only: copying the bodies costs more
-- than joining back to them).
create or replace temp table batch_bodies as
select record_sha256 as webhook_id, landing_id, landed_at, source, source_line
from landing_batch
qualify row_number() over (partition by record_sha256 order by landed_at, landing_id) = 1;

delete from batch_bodies using raw_whatsapp_webhooks
where batch_bodies.webhook_id = raw_whatsapp_webhooks.webhook_id;

-- One parse of each new body down to its values' lists (the items stay JSON: a list may hold
-- anything, and what cannot be keyed is quarantined as it came).
create or replace temp table batch_values as
with parsed as (
  select batch_bodies.*,
    from_json(landing_batch.record, '{"entry":[{"id":"VARCHAR","changes":[{"field":"VARCHAR","value":{
      "metadata": {"display_phone_number": "VARCHAR", "phone_number_id": "VARCHAR"},
      "contacts": ["JSON"], "messages": ["JSON"], "statuses": ["JSON"], "errors": ["JSON"],
      "message_echoes": ["JSON"],
      "history": [{"metadata": {"phase": "INTEGER", "chunk_order": "INTEGER", "progress": "INTEGER"},
                   "threads": [{"id": "VARCHAR", "messages": ["JSON"]}]}]
    }}]}]}') as envelope
  from batch_bodies join landing_batch using (landing_id)
),
entries as (
  select webhook_id, landing_id, landed_at, source, source_line, unnest(envelope.entry) as entry from parsed
),
changes as (
  select webhook_id, landing_id, landed_at, source, source_line, entry.id as waba_id, unnest(entry.changes) as change
  from entries
)
select webhook_id, landing_id, landed_at, source, source_line, waba_id, change.field as change_field, change.value as v
from changes;

-- messages -------------------------------------------------------------------------------------

-- Three fields carry messages: `messages` (what contacts send), `smb_message_echoes` (what a person
-- typed in the WhatsApp Business app on a coexistence number) and `history` (the one-time sync of
-- past Business-app chats, threads of both directions, loaded as history).

create or replace temp table batch_messages as
with live as (
  select webhook_id, landing_id, landed_at, source, source_line, waba_id, change_field,
    v.metadata.phone_number_id as phone_number_id,
    v.metadata.display_phone_number as display_phone_number,
    unnest(v.messages) as message,
    cast(null as varchar) as history_thread_id,
    cast(null as integer) as history_phase,
    cast(null as integer) as history_chunk_order
  from batch_values
  where change_field = 'messages'
),
echoes as (
  select webhook_id, landing_id, landed_at, source, source_line, waba_id, change_field,
    v.metadata.phone_number_id as phone_number_id,
    v.metadata.display_phone_number as display_phone_number,
    unnest(v.message_echoes) as message,
    cast(null as varchar) as history_thread_id,
    cast(null as integer) as history_phase,
    cast(null as integer) as history_chunk_order
  from batch_values
  where change_field = 'smb_message_echoes'
),
history_chunks as (
  select webhook_id, landing_id, landed_at, source, source_line, waba_id, change_field,
    v.metadata.phone_number_id as phone_number_id, v.metadata.display_phone_number as display_phone_number,
    unnest(v.history) as chunk
  from batch_values
  where change_field = 'history'
),
history_threads as (
  select * exclude (chunk), chunk.metadata as chunk_metadata, unnest(chunk.threads) as thread from history_chunks
),
history as (
  select webhook_id, landing_id, landed_at, source, source_line, waba_id, change_field, phone_number_id, display_phone_number,
    unnest(thread.messages) as message,
    thread.id as history_thread_id,
    chunk_metadata.phase as history_phase,
    chunk_metadata.chunk_order as history_chunk_order
  from history_threads
),
items as (
  select * from live
  union all by name
  select * from echoes
  union all by name
  select * from history
),
typed as (
  select *, from_json(message, '{
    "id": "VARCHAR", "from": "VARCHAR", "from_user_id": "VARCHAR", "to": "VARCHAR", "to_user_id": "VARCHAR",
    "timestamp": "VARCHAR", "type": "VARCHAR", "history_context": {"status": "VARCHAR"},
    "text": {"body": "VARCHAR"},
    "image": {"caption": "VARCHAR", "mime_type": "VARCHAR", "id": "VARCHAR"},
    "video": {"caption": "VARCHAR", "mime_type": "VARCHAR", "id": "VARCHAR"},
    "document": {"caption": "VARCHAR", "filename": "VARCHAR", "mime_type": "VARCHAR", "id": "VARCHAR"},
    "audio": {"mime_type": "VARCHAR", "id": "VARCHAR", "voice": "BOOLEAN"},
    "sticker": {"mime_type": "VARCHAR", "id": "VARCHAR"},
    "location": {"latitude": "DOUBLE", "longitude": "DOUBLE", "name": "VARCHAR", "address": "VARCHAR"},
    "interactive": {"type": "VARCHAR", "button_reply": {"id": "VARCHAR", "title": "VARCHAR"},
                    "list_reply": {"id": "VARCHAR", "title": "VARCHAR"}, "nfm_reply": {"response_json": "VARCHAR"}},
    "order": {"catalog_id": "VARCHAR", "text": "VARCHAR",
              "product_items": [{"quantity": "DOUBLE", "item_price": "DOUBLE", "currency": "VARCHAR"}]},
    "contacts": [{"name": {"formatted_name": "VARCHAR"}, "phones": [{"phone": "VARCHAR"}]}],
    "button": {"payload": "VARCHAR", "text": "VARCHAR"},
    "reaction": {"message_id": "VARCHAR", "emoji": "VARCHAR"},
    "system": {"type": "VARCHAR", "body": "VARCHAR"},
    "context": {"from": "VARCHAR", "id": "VARCHAR", "forwarded": "BOOLEAN", "frequently_forwarded": "BOOLEAN",
                "referred_product": {"catalog_id": "VARCHAR", "product_retailer_id": "VARCHAR"}},
    "referral": {"source_type": "VARCHAR", "source_id": "VARCHAR", "source_url": "VARCHAR", "headline": "VARCHAR",
                 "body": "VARCHAR", "ctwa_clid": "VARCHAR"},
    "edit": {"original_message_id": "VARCHAR"},
    "revoke": {"original_message_id": "VARCHAR"},
    "errors": [{"code": "INTEGER", "title": "VARCHAR"}]
  }') as m
  from items
)
select
  m.id as wamid, webhook_id, landing_id, landed_at, source, source_line, change_field, waba_id,
  phone_number_id, display_phone_number,
  -- A history message is the business's own when it is not from the thread's contact.
  case
    when change_field = 'smb_message_echoes' then 'outbound'
    when change_field = 'history' and m."from" is distinct from history_thread_id then 'outbound'
    else 'inbound'
  end as direction,
  m."from" as from_wa_id,
  m.from_user_id,
  coalesce(m."to", case when change_field = 'history' and m."from" is distinct from history_thread_id then history_thread_id end)
    as to_wa_id,
  m.to_user_id,
  history_thread_id,
  history_phase,
  history_chunk_order,
  m.history_context.status as history_status,
  unix_instant(m."timestamp") as sent_at,
  m."type" as message_type,
  m.text.body as text_body,
  coalesce(m.image.caption, m.video.caption, m.document.caption) as caption,
  coalesce(m.image.id, m.video.id, m.document.id, m.audio.id, m.sticker.id) as media_id,
  coalesce(m.image.mime_type, m.video.mime_type, m.document.mime_type, m.audio.mime_type, m.sticker.mime_type) as media_mime_type,
  m.document.filename as document_filename,
  m.audio.voice as is_voice,
  m.interactive."type" as interactive_type,
  coalesce(m.interactive.button_reply.id, m.interactive.list_reply.id, m.button.payload) as reply_id,
  coalesce(m.interactive.button_reply.title, m.interactive.list_reply.title, m.button.text) as reply_title,
  m.reaction.message_id as reaction_message_id,
  m.reaction.emoji as reaction_emoji,
  m.location.latitude as location_latitude,
  m.location.longitude as location_longitude,
  m.location.name as location_name,
  m.location.address as location_address,
  m."order".catalog_id as order_catalog_id,
  m."order".text as order_text,
  len(m."order".product_items) as order_item_count,
  list_sum([item.quantity * item.item_price for item in m."order".product_items]) as order_value,
  m."order".product_items[1].currency as order_currency,
  len(m.contacts) as shared_contact_count,
  m.contacts[1].name.formatted_name as shared_contact_name,
  m.contacts[1].phones[1].phone as shared_contact_phone,
  m.interactive.nfm_reply.response_json as flow_response_json,
  m.system."type" as system_type,
  m.system.body as system_body,
  m.context."from" as context_from,
  m.context.id as context_message_id,
  m.context.forwarded as is_forwarded,
  m.context.frequently_forwarded as is_frequently_forwarded,
  m.context.referred_product.catalog_id as referred_product_catalog_id,
  m.context.referred_product.product_retailer_id as referred_product_retailer_id,
  m.referral.source_type as referral_source_type,
  m.referral.source_id as referral_source_id,
  m.referral.source_url as referral_source_url,
  m.referral.headline as referral_headline,
  m.referral.body as referral_body,
  m.referral.ctwa_clid as referral_ctwa_clid,
  coalesce(m.edit.original_message_id, m.revoke.original_message_id) as edited_message_id,
  m.errors[1].code as error_code,
  m.errors[1].title as error_title,
  message,
  case
    when m.id is null or m.id = '' then 'message without an id'
    when m."type" is null then 'message ' || m.id || ' without a type'
    when unix_instant(m."timestamp") is null
      then 'message ' || m.id || ' timestamp ' || coalesce('"' || m."timestamp" || '"', 'missing') || ' is not Unix seconds'
  end as problem
from typed;

-- statuses -------------------------------------------------------------------------------------

create or replace temp table batch_statuses as
with items as (
  select webhook_id, landing_id, landed_at, source, source_line,
    v.metadata.phone_number_id as phone_number_id, unnest(v.statuses) as status_json
  from batch_values
),
typed as (
  select *, from_json(status_json, '{
    "id": "VARCHAR", "status": "VARCHAR", "timestamp": "VARCHAR", "recipient_id": "VARCHAR", "recipient_user_id": "VARCHAR",
    "biz_opaque_callback_data": "VARCHAR",
    "conversation": {"id": "VARCHAR", "expiration_timestamp": "VARCHAR", "origin": {"type": "VARCHAR"}},
    "pricing": {"billable": "BOOLEAN", "pricing_model": "VARCHAR", "type": "VARCHAR", "category": "VARCHAR"},
    "errors": [{"code": "INTEGER", "title": "VARCHAR", "message": "VARCHAR", "error_data": {"details": "VARCHAR"}}]
  }') as s
  from items
)
select
  md5(concat_ws('|', s.id, s.status, s."timestamp")) as status_key,
  s.id as wamid, webhook_id, landing_id, landed_at, source, source_line, phone_number_id,
  s.status,
  unix_instant(s."timestamp") as status_at,
  s.recipient_id as recipient_wa_id,
  s.recipient_user_id,
  s.biz_opaque_callback_data,
  s.conversation.id as conversation_id,
  s.conversation.origin."type" as conversation_origin_type,
  try(to_timestamp(try_cast(s.conversation.expiration_timestamp as bigint))) as conversation_expires_at,
  s.pricing.billable as pricing_billable,
  s.pricing.pricing_model,
  s.pricing."type" as pricing_type,
  s.pricing.category as pricing_category,
  s.errors[1].code as error_code,
  s.errors[1].title as error_title,
  s.errors[1].error_data.details as error_details,
  status_json,
  case
    when s.id is null or s.id = '' then 'status without a message id'
    when s.status is null then 'status of ' || s.id || ' without a status value'
    when unix_instant(s."timestamp") is null
      then 'status of ' || s.id || ' timestamp ' || coalesce('"' || s."timestamp" || '"', 'missing') || ' is not Unix seconds'
  end as problem
from typed;
