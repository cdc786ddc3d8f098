-- Writes a group's flattened WhatsApp webhooks (prepare-whatsapp.sql) into the raw tables, in the
-- group's transaction. A retried delivery (same body) adds nothing; a message or status seen before
-- adds nothing; a message or status that cannot be keyed is quarantined with its reason, and the
-- rest loads.

insert into raw_whatsapp_webhooks by name
select webhook_id, landing_id, landed_at, source from batch_bodies;

-- messages -------------------------------------------------------------------------------------

insert into raw_quarantine by name
with problems as (
  -- A null in the list is quarantined as the text null (it has no text of its own to key on).
  select md5('whatsapp|' || problem || '|' || coalesce(message::varchar, 'null')) as quarantine_key, landing_id,
    landed_at as quarantined_at, 'whatsapp' as kind, source, source_line, problem as reason,
    coalesce(message::varchar, 'null') as record_text
  from batch_messages
  where problem is not null
)
select * from problems p
where not exists (select 1 from raw_quarantine q where q.quarantine_key = p.quarantine_key)
qualify row_number() over (partition by quarantine_key) = 1;

insert into raw_whatsapp_messages by name
select * exclude (landing_id, source, source_line, problem, message)
from batch_messages b
where problem is null
  and not exists (select 1 from raw_whatsapp_messages r where r.wamid = b.wamid)
qualify row_number() over (partition by wamid order by landed_at, landing_id) = 1;

-- contacts -------------------------------------------------------------------------------------

insert into raw_whatsapp_contacts by name
with items as (
  select webhook_id, landed_at, v.metadata.phone_number_id as phone_number_id,
    list_max([try_cast(json_extract_string(message, '$.timestamp') as bigint) for message in v.messages]) as latest_message_ts,
    unnest(v.contacts) as contact_json
  from batch_values
),
typed as (
  select *, from_json(contact_json, '{"wa_id": "VARCHAR", "user_id": "VARCHAR", "profile": {"name": "VARCHAR", "username": "VARCHAR"}}') as c
  from items
),
keyed as (
  select
    md5(concat_ws('|', phone_number_id, c.wa_id, c.user_id, c.profile.username, c.profile.name)) as contact_key,
    webhook_id, landed_at,
    coalesce(try(to_timestamp(latest_message_ts)), landed_at) as seen_at,
    phone_number_id, c.wa_id as wa_id, c.user_id as user_id, c.profile.username as username, c.profile.name as profile_name
  from typed
  where coalesce(c.wa_id, c.user_id, c.profile.username) is not null
)
select * from keyed k
where not exists (select 1 from raw_whatsapp_contacts r where r.contact_key = k.contact_key)
qualify row_number() over (partition by contact_key order by seen_at, landed_at) = 1;

-- value-level errors ---------------------------------------------------------------------------

insert into raw_whatsapp_errors by name
with items as (
  select webhook_id, landed_at, v.metadata.phone_number_id as phone_number_id, unnest(v.errors) as error_json
  from batch_values
),
typed as (
  select *, from_json(error_json, '{"code": "INTEGER", "title": "VARCHAR", "message": "VARCHAR", "error_data": {"details": "VARCHAR"}}') as e
  from items
)
select md5(webhook_id || '|' || error_json::varchar) as error_key, webhook_id, landed_at, phone_number_id,
  e.code as error_code, e.title as error_title, e.message as error_message, e.error_data.details as error_details, error_json
from typed t
where error_json is not null -- a null in the list says nothing
  and not exists (select 1 from raw_whatsapp_errors r where r.error_key = md5(t.webhook_id || '|' || t.error_json::varchar))
qualify row_number() over (partition by error_key) = 1;

-- statuses -------------------------------------------------------------------------------------

-- The parsed values and messages are done with, so they are freed before the largest insert: with
-- them held it took 6.8-7.5 s for the statuses of 1M messages, without them 5.6-5.7 s.
drop table batch_values;
drop table batch_messages;

insert into raw_quarantine by name
with problems as (
  select md5('whatsapp|' || problem || '|' || coalesce(status_json::varchar, 'null')) as quarantine_key, landing_id,
    landed_at as quarantined_at, 'whatsapp' as kind, source, source_line, problem as reason,
    coalesce(status_json::varchar, 'null') as record_text
  from batch_statuses
  where problem is not null
)
select * from problems p
where not exists (select 1 from raw_quarantine q where q.quarantine_key = p.quarantine_key)
qualify row_number() over (partition by quarantine_key) = 1;

insert into raw_whatsapp_statuses by name
select * exclude (landing_id, source, source_line, problem, status_json)
from batch_statuses b
where problem is null
  -- The key hashes the timestamp, so a status seen before has the same status_at: comparing it lets
  -- DuckDB skip the row groups of other days (the table is in landing order) instead of probing
  -- every status ever loaded, which grew with the table at every group.
  and not exists (select 1 from raw_whatsapp_statuses r where r.status_key = b.status_key and r.status_at = b.status_at)
qualify row_number() over (partition by status_key order by landed_at, landing_id) = 1;
