-- One row per thing the business owed a contact: each awaiting episode (the first response and
-- every next response), each follow-up after 24 hours of silence, each re-engagement window
-- (day 4-7) and each next action a disposition promised; when it was due, whether and when it was
-- done and by whom, and whether WhatsApp's 24-hour window was still open at the due time (if not,
-- only a template can be sent).

with episodes as (
  select * from {{ ref('int_reply_episodes') }}
),

follow_ups as (
  select * from {{ ref('int_follow_up_obligations') }}
),

inquiries as (
  select inquiry_id, phone_number_id, contact_id, is_history from {{ ref('int_inquiries_sessionized') }}
),

targets as (
  select * from {{ ref('int_inquiry_targets') }}
),

sla as (
  select triage_category, next_response_seconds from {{ ref('sla_targets') }}
),

closures as (
  select inquiry_id, closed_at from {{ ref('int_inquiry_closures') }}
),

owner_intervals as (
  select * from {{ ref('int_inquiry_owner_intervals') }}
),

ownership as (
  select inquiry_id, owner_agent_id from {{ ref('int_inquiry_ownership') }}
),

inbound as (
  select phone_number_id, contact_id, sent_at from {{ ref('int_messages_unified') }} where direction = 'inbound'
),

service_window as (
  select seconds from {{ ref('response_thresholds') }} where threshold = 'service_window'
),

responses as (
  select
    episodes.episode_id as obligation_key,
    episodes.inquiry_id,
    episodes.kind,
    episodes.started_at,
    case episodes.kind
      when 'first_response' then targets.due_at
      else episodes.started_at + to_seconds(sla.next_response_seconds)
    end as due_at,
    episodes.fulfilled_at,
    episodes.fulfilled_by_agent_id,
    episodes.inbound_count,
    episodes.is_repeat_unanswered
  from episodes
  join targets using (inquiry_id)
  join sla using (triage_category)
),

obligations as (
  select * from responses
  union all by name
  select obligation_key, inquiry_id, kind, started_at, due_at, expires_at, fulfilled_at, fulfilled_by_agent_id from follow_ups
),

with_context as (
  select
    obligations.*,
    inquiries.phone_number_id,
    inquiries.contact_id,
    inquiries.is_history,
    targets.triage_category,
    targets.priority_rank,
    closures.closed_at,
    coalesce(owner_intervals.owner_agent_id, ownership.owner_agent_id) as owner_agent_id
  from obligations
  join inquiries using (inquiry_id)
  join targets using (inquiry_id)
  left join closures using (inquiry_id)
  left join ownership using (inquiry_id)
  asof left join owner_intervals
    on owner_intervals.inquiry_id = obligations.inquiry_id
    and obligations.started_at >= owner_intervals.owned_from
),

with_window as (
  -- The contact's last message at or before the due time opens WhatsApp's 24-hour window.
  select with_context.*, inbound.sent_at as last_inbound_before_due
  from with_context
  asof left join inbound
    on inbound.phone_number_id = with_context.phone_number_id
    and inbound.contact_id = with_context.contact_id
    and with_context.due_at >= inbound.sent_at
),

final as (
  select
    substr(md5(obligation_key), 1, 20) as obligation_id,
    inquiry_id,
    kind,
    phone_number_id,
    contact_id,
    triage_category,
    priority_rank,
    owner_agent_id,
    started_at,
    due_at,
    fulfilled_at,
    fulfilled_by_agent_id,
    {{ seconds_between('started_at', 'fulfilled_at') }} as seconds_to_fulfil,
    case
      when fulfilled_at is not null then fulfilled_at <= due_at
      -- A reply owed while the inquiry was open stops being owed when the team closes it before due.
      when kind in ('first_response', 'next_response') and closed_at is not null and closed_at < due_at then null
      when due_at <= {{ as_of() }} then false
    end as is_met,
    coalesce({{ seconds_between('last_inbound_before_due', 'due_at') }} <= (select seconds from service_window), false)
      as is_service_window_open_at_due,
    -- Until when it was waiting: done, or the inquiry closed under it (then nobody can be skipping it).
    least(
      coalesce(fulfilled_at, 'infinity'::timestamptz),
      case when kind in ('first_response', 'next_response') then coalesce(closed_at, 'infinity'::timestamptz) else expires_at end
    ) as waiting_until,
    coalesce(inbound_count, 0) as inbound_message_count,
    coalesce(is_repeat_unanswered, false) as is_repeat_unanswered,
    is_history
  from with_window
)

select * from final
