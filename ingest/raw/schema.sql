-- raw.duckdb: append-only tables loaded from the landing log, one row per natural key.
-- Only the pipeline writes this file; dbt attaches it read-only as the source database.
-- Everything here can be rebuilt from the landing log: when this file's shape changes, the loader
-- drops the tables and loads every segment again (see raw_schema_version in load-raw.ts).

create table if not exists raw_schema_version (version integer not null);

create table if not exists raw_landing_segments (
  kind varchar not null,          -- landing folder: whatsapp, outbound, …, quarantine
  segment varchar not null,       -- path under data/landing/
  records bigint not null,
  loaded_at timestamptz not null,
  primary key (kind, segment)
);

-- One row per distinct body. The body itself stays in the landing log only (landing_id says
-- where), and so do the message and status objects in it: copies here and in the warehouse cost
-- a third of the build.
create table if not exists raw_whatsapp_webhooks (
  webhook_id varchar not null,    -- SHA-256 of the body's exact bytes: a retried delivery has the same id
  landing_id varchar not null,    -- <segment>#<seq>
  landed_at timestamptz not null,
  source varchar not null
);

create table if not exists raw_whatsapp_messages (
  wamid varchar not null,
  webhook_id varchar not null,
  landed_at timestamptz not null,
  change_field varchar not null,  -- messages | smb_message_echoes | history
  direction varchar not null,     -- inbound (the contact wrote) | outbound (echoes, the business's history messages)
  waba_id varchar,
  phone_number_id varchar,
  display_phone_number varchar,
  from_wa_id varchar,
  from_user_id varchar,
  to_wa_id varchar,
  to_user_id varchar,
  history_thread_id varchar,      -- history: the contact's thread
  history_phase integer,          -- history: 0 = day 0-1, 1 = day 1-90, 2 = day 90-180 before onboarding
  history_chunk_order integer,
  history_status varchar,         -- history: DELIVERED, READ, SENT, PLAYED, PENDING, ERROR
  sent_at timestamptz not null,
  message_type varchar not null,
  text_body varchar,
  caption varchar,
  media_id varchar,
  media_mime_type varchar,
  document_filename varchar,
  is_voice boolean,
  interactive_type varchar,
  reply_id varchar,               -- interactive button/list reply id, or template button payload
  reply_title varchar,            -- the label the contact tapped
  reaction_message_id varchar,
  reaction_emoji varchar,
  location_latitude double,
  location_longitude double,
  location_name varchar,
  location_address varchar,
  order_catalog_id varchar,
  order_text varchar,
  order_item_count integer,
  order_value double,             -- sum of item_price × quantity
  order_currency varchar,
  shared_contact_count integer,   -- contact cards shared in the message
  shared_contact_name varchar,    -- the first card's formatted name
  shared_contact_phone varchar,   -- and its first phone
  flow_response_json varchar,     -- interactive nfm_reply (WhatsApp Flows)
  system_type varchar,
  system_body varchar,
  context_from varchar,
  context_message_id varchar,
  is_forwarded boolean,
  is_frequently_forwarded boolean,
  referred_product_catalog_id varchar,
  referred_product_retailer_id varchar,
  referral_source_type varchar,
  referral_source_id varchar,
  referral_source_url varchar,
  referral_headline varchar,
  referral_body varchar,
  referral_ctwa_clid varchar,
  edited_message_id varchar,      -- edit / revoke: the message it changes
  error_code integer,             -- unsupported messages
  error_title varchar
  -- The message object as received is in its webhook's body, in the landing log.
);

create table if not exists raw_whatsapp_statuses (
  status_key varchar not null,    -- md5(wamid, status, timestamp)
  wamid varchar not null,
  webhook_id varchar not null,
  landed_at timestamptz not null,
  phone_number_id varchar,
  status varchar not null,
  status_at timestamptz not null,
  recipient_wa_id varchar,
  recipient_user_id varchar,
  biz_opaque_callback_data varchar,
  conversation_id varchar,
  conversation_origin_type varchar,
  conversation_expires_at timestamptz,
  pricing_billable boolean,
  pricing_model varchar,
  pricing_type varchar,
  pricing_category varchar,
  error_code integer,
  error_title varchar,
  error_details varchar
);

create table if not exists raw_whatsapp_contacts (
  contact_key varchar not null,   -- md5 of the identity fields and the name: a new name is a new row
  webhook_id varchar not null,
  landed_at timestamptz not null,
  seen_at timestamptz not null,   -- latest message time in the same webhook value, else landed_at
  phone_number_id varchar,
  wa_id varchar,
  user_id varchar,
  username varchar,
  profile_name varchar
);

create table if not exists raw_whatsapp_errors (
  error_key varchar not null,     -- md5(webhook_id, position)
  webhook_id varchar not null,
  landed_at timestamptz not null,
  phone_number_id varchar,
  error_code integer,
  error_title varchar,
  error_message varchar,
  error_details varchar,
  error_json json not null
);

create table if not exists raw_outbound_messages (
  wamid varchar not null,
  landing_id varchar not null,
  landed_at timestamptz not null,
  phone_number_id varchar not null,
  to_wa_id varchar not null,
  sent_at timestamptz not null,
  author_kind varchar not null,
  agent_id varchar,
  message_type varchar not null,
  template_name varchar,
  text varchar
);

create table if not exists raw_inbox_events (
  event_id varchar not null,
  landing_id varchar not null,
  landed_at timestamptz not null,
  event_type varchar not null,
  event_at timestamptz not null,
  phone_number_id varchar not null,
  wa_id varchar not null,
  agent_id varchar,
  by_agent_id varchar,
  from_agent_id varchar,
  to_agent_id varchar,
  note varchar,
  reason varchar,
  disposition varchar,
  next_action varchar,
  next_action_at timestamptz
);

create table if not exists raw_roster (
  roster_snapshot_id varchar not null, -- one per landed roster file: a roster file is the whole team
  landing_id varchar not null,
  landed_at timestamptz not null,
  agent_id varchar not null,
  name varchar not null,
  email varchar,
  role varchar not null,
  team varchar not null,
  supervisor_id varchar,
  capacity integer not null,
  active boolean not null
);

create table if not exists raw_crm_contacts (
  crm_contact_id varchar not null,
  updated_at timestamptz not null,
  landing_id varchar not null,
  landed_at timestamptz not null,
  phone varchar,
  name varchar,
  owner_agent_id varchar,
  lifecycle_stage varchar,
  created_at timestamptz not null
);

create table if not exists raw_crm_deals (
  deal_id varchar not null,
  updated_at timestamptz not null,
  landing_id varchar not null,
  landed_at timestamptz not null,
  crm_contact_id varchar,
  name varchar,
  amount_inr decimal(18, 2),
  stage varchar,
  owner_agent_id varchar,
  created_at timestamptz not null,
  closed_at timestamptz
);

create table if not exists raw_quarantine (
  quarantine_key varchar not null, -- md5(kind, reason, record): the same bad record is kept once
  landing_id varchar not null,
  quarantined_at timestamptz not null,
  kind varchar not null,
  source varchar not null,         -- file path (or "webhook"); a flattening problem names the webhook
  source_line bigint,
  reason varchar not null,
  record_text varchar not null
);

-- A phone number as a WhatsApp id (E.164 digits without the "+"): CRM exports write "+91 98111 12222",
-- "098111-12222", "0091 9811112222", "+91 (0) 98111 12222" or just "9811112222". Keep the digits, drop
-- an international 00 or a trunk 0, and give a 10-digit local number the default country code. A number
-- written with "+" or "00" is already international and never gets one ("+65 9123 4567" is Singapore).
-- Defined once, here; dbt staging and the CRM pull's match report both call it. A "+" counts when it
-- comes before the first digit, whatever precedes it: a tab, "tel:", or the direction marks a number
-- copied from WhatsApp carries ("\u202a+65 9123 4567\u202c" is Singapore, not a local 6591234567).
create or replace macro normalize_phone(phone, default_country_code) as nullif(
  case
    when regexp_matches(phone, '^[^0-9]*[+＋]') then regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g')
    when regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g') like '00%' then substr(regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g'), 3)
    when length(regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g')) = length(default_country_code) + 11 and regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g') like default_country_code || '0%'
      then default_country_code || substr(regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g'), length(default_country_code) + 2)
    when length(regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g')) = 11 and regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g') like '0%' then default_country_code || substr(regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g'), 2)
    when length(regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g')) = 10 then default_country_code || regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g')
    else regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g')
  end,
  ''
);
