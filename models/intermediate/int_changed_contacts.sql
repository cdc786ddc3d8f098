-- The contacts whose rows an incremental build recomputes in the contact-scoped models (those whose
-- pre-hook is delete_changed_contacts, macros/incremental.sql): every contact that a row new to
-- this build touches, and every contact with something that happened between the "now" of the
-- warehouse the build started from and its own (a build sees only what happened by its now), or
-- with an instant in between at which a contact-scoped model's rows change with "now" alone (a
-- deadline: an inquiry's dormant_at, a silence's re-engagement start, a same-day due time the
-- shorter calendar may not reach), as the previous build's tables have it. Only the models whose
-- rows depend on "now" recompute the contacts listed for a deadline alone (has_changed_rows false).
-- A contact is everything one key resolves to, so a new WhatsApp id for a business-scoped user id
-- also lists every key that user's rows were filed under before. Empty on a full build, which
-- computes every contact anyway.

with window_bounds as (
  select least({{ previous_as_of() }}, {{ as_of() }}) as after, greatest({{ previous_as_of() }}, {{ as_of() }}) as through
),

touched as (
  -- Who each new or newly visible row is about, and the message it is about for statuses.
  select contact_wa_id as wa_id, contact_user_id as user_id, cast(null as varchar) as message_id
  from {{ ref('stg_whatsapp__messages') }}, window_bounds
  where appended_at = {{ build_started_at() }} or (sent_at > after and sent_at <= through)
  union all
  select contact_wa_id, contact_user_id, null
  from {{ ref('stg_outbound__messages') }}, window_bounds
  where appended_at = {{ build_started_at() }} or (sent_at > after and sent_at <= through)
  union all
  select recipient_wa_id, recipient_user_id, message_id
  from {{ ref('stg_whatsapp__statuses') }}, window_bounds
  where appended_at = {{ build_started_at() }} or (status_at > after and status_at <= through)
  union all
  select contact_wa_id, contact_user_id, null
  from {{ ref('stg_inbox__events') }}, window_bounds
  where appended_at = {{ build_started_at() }} or (event_at > after and event_at <= through)
  union all
  select contact_wa_id, contact_user_id, null
  from {{ ref('stg_whatsapp__contacts') }}
  where appended_at = {{ build_started_at() }}
),

status_messages as (
  -- A status changes its message's delivery: the message's own contact, should it resolve apart.
  select contact_wa_id as wa_id, contact_user_id as user_id
  from {{ ref('stg_whatsapp__messages') }}
  where message_id in (select message_id from touched where message_id is not null)
  union all
  select contact_wa_id, contact_user_id
  from {{ ref('stg_outbound__messages') }}
  where message_id in (select message_id from touched where message_id is not null)
),

parties as (
  select wa_id, user_id from touched
  union all
  select wa_id, user_id from status_messages
),

user_ids as (
  select distinct user_id from parties where user_id is not null
),

paired_wa_ids as (
  -- Every WhatsApp id a touched user id was ever seen with: its rows may have been filed under any.
  select contact_wa_id as wa_id from {{ ref('stg_whatsapp__contacts') }}
  where contact_user_id in (select user_id from user_ids) and contact_wa_id is not null
  union all
  select contact_wa_id from {{ ref('stg_whatsapp__messages') }}
  where contact_user_id in (select user_id from user_ids) and contact_wa_id is not null
  union all
  select recipient_wa_id from {{ ref('stg_whatsapp__statuses') }}
  where recipient_user_id in (select user_id from user_ids) and recipient_wa_id is not null
),

re_engagement as (
  select to_seconds(seconds) as starts_after from {{ ref('response_thresholds') }} where threshold = 're_engagement_from'
),

deadlines as (
  -- Read from the previous build's copies, before this build replaces the tables: for a contact not
  -- otherwise listed the deadline is the same in both builds. An inquiry goes dormant at dormant_at
  -- (int_inquiry_closures); a silence reaches its re-engagement window a set time after the human
  -- reply that started it (int_follow_up_obligations): listed for every such reply, a superset of
  -- the silences' starts.
  {%- set closures = previous_build_relation('int_inquiry_closures') %}
  {%- set messages = previous_build_relation('int_messages_unified') %}
  {%- set targets = previous_build_relation('int_inquiry_targets') %}
  {%- if closures and messages and targets %}
  select contact_id from {{ closures }}, window_bounds where dormant_at > after and dormant_at <= through
  union all
  select contact_id
  from {{ messages }}, window_bounds, re_engagement
  where direction = 'outbound' and author_kind = 'agent' and not is_delivery_failed
    and sent_at + starts_after > after and sent_at + starts_after <= through
  union all
  -- A same-day due time is the first business day's close after the inquiry opened; the calendar
  -- (int_business_windows) ends business_calendar_days_ahead past "now", so the shorter one of two
  -- builds reaches every due time up to a day less past the earlier "now". Past that, or with
  -- none, it may differ.
  select contact_id
  from {{ targets }}, window_bounds
  where target_basis = 'business_day_end'
    and (due_at is null or due_at > after + to_days({{ var('business_calendar_days_ahead') }} - 1))
  {%- else %}
  select cast(null as varchar) as contact_id where false
  {%- endif %}
),

listed as (
  select wa_id as contact_id, true as has_changed_rows from parties where wa_id is not null
  union all
  select 'user:' || user_id, true from user_ids
  union all
  select wa_id, true from paired_wa_ids
  union all
  select contact_id, false from deadlines
),

final as (
  select contact_id, bool_or(has_changed_rows) as has_changed_rows
  from listed
  group by contact_id
)

select * from final
{%- if not starts_from_previous_build() %}
where false
{%- endif %}
