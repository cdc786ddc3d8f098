-- Obligations the business owes a contact who went quiet after our reply:
--   follow_up_24h  a prospect in evaluation hears from us within 24 hours of going silent
--                  (unless a later next-action date was agreed);
--   re_engagement  silence into day 4 earns a message between day 4 and day 7;
--   next_action    a disposition's next action is done around its date.
-- A silence runs from our first reply after the contact's last message to their next message (or
-- the inquiry's close, or now). Outbound messages are read per contact, so a follow-up that lands in
-- a later inquiry still counts.
-- Incremental by contact. "Now" reaches it through int_inquiry_closures and at the start of a
-- re-engagement window, both listed as deadlines by int_changed_contacts (deadlines=true).
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts(deadlines=true) }}") }}

with inquiries as (
  select inquiry_id, phone_number_id, contact_id from {{ ref('int_inquiries_sessionized') }}
  where {{ is_changed_contact('contact_id', deadlines=true) }}
),

triage as (
  select inquiry_id, triage_category from {{ ref('int_inquiry_triage') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

closures as (
  select * exclude (contact_id) from {{ ref('int_inquiry_closures') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

messages as (
  select * from {{ ref('int_messages_by_inquiry') }}
  where is_conversational and {{ is_changed_contact('contact_id', deadlines=true) }}
),

contact_inbound as (
  select phone_number_id, contact_id, sent_at from {{ ref('int_messages_unified') }}
  where direction = 'inbound' and {{ is_changed_contact('contact_id', deadlines=true) }}
),

contact_outbound as (
  -- What the business sent the contact, person or automation, that reached them.
  select phone_number_id, contact_id, sent_at, agent_id, author_kind
  from {{ ref('int_messages_unified') }}
  where direction = 'outbound' and author_kind in ('agent', 'automation') and not is_delivery_failed
    and {{ is_changed_contact('contact_id', deadlines=true) }}
),

thresholds as (
  select
    max(seconds) filter (where threshold = 'follow_up') as follow_up,
    max(seconds) filter (where threshold = 're_engagement_from') as re_engagement_from,
    max(seconds) filter (where threshold = 're_engagement_to') as re_engagement_to,
    max(seconds) filter (where threshold = 'follow_up_min_gap') as min_gap,
    max(seconds) filter (where threshold = 'next_action_grace') as grace,
    max(seconds) filter (where threshold = 'dormant_after') as dormant_after
  from {{ ref('response_thresholds') }}
),

ordered as (
  select
    *,
    direction = 'outbound' and author_kind = 'agent' and not is_delivery_failed as is_human_reply,
    lag(direction) over (partition by inquiry_id order by sent_at, direction, message_id) as previous_direction,
    min(sent_at) filter (where direction = 'inbound') over (
      partition by inquiry_id order by sent_at, direction, message_id rows between 1 following and unbounded following
    ) as next_inbound_at
  from messages
),

silences as (
  -- Our first human reply after an inbound message starts a silence, unless the contact answers.
  -- It ends when they write, or when the inquiry closes (a closed inquiry is owed no follow-up).
  select
    ordered.inquiry_id,
    ordered.sent_at as silent_from,
    least(coalesce(ordered.next_inbound_at, 'infinity'::timestamptz), coalesce(closures.closed_at, 'infinity'::timestamptz)) as silence_ends_at,
    least(
      coalesce(ordered.next_inbound_at, 'infinity'::timestamptz),
      coalesce(closures.closed_at, 'infinity'::timestamptz),
      {{ as_of() }}
    ) as silent_until
  from ordered
  left join closures using (inquiry_id)
  where ordered.is_human_reply
  qualify row_number() over (partition by ordered.inquiry_id, ordered.next_inbound_at order by ordered.sent_at) = 1
),

in_evaluation as (
  -- Prospects: not passive engagement, not closed with a final outcome.
  select silences.*, inquiries.phone_number_id, inquiries.contact_id, closures.disposition, closures.disposition_at, closures.next_action_at
  from silences
  join inquiries using (inquiry_id)
  join triage using (inquiry_id)
  left join closures using (inquiry_id)
  where triage.triage_category <> 'passive_engagement'
    and coalesce(closures.disposition, '') not in ('won', 'lost', 'not_interested', 'spam')
),

follow_ups as (
  select
    in_evaluation.inquiry_id,
    in_evaluation.contact_id,
    'follow_up_24h' as kind,
    silent_from as started_at,
    silent_from + to_seconds((select follow_up from thresholds)) as due_at,
    silent_until,
    -- Once the re-engagement window opens, that obligation takes over from this one.
    least(silence_ends_at, silent_from + to_seconds((select re_engagement_from from thresholds))) as expires_at,
    min(contact_outbound.sent_at) as fulfilled_at,
    arg_min(contact_outbound.agent_id, contact_outbound.sent_at) as fulfilled_by_agent_id
  from in_evaluation
  left join contact_outbound
    on contact_outbound.phone_number_id = in_evaluation.phone_number_id
    and contact_outbound.contact_id = in_evaluation.contact_id
    and contact_outbound.author_kind = 'agent'
    and contact_outbound.sent_at >= in_evaluation.silent_from + to_seconds((select min_gap from thresholds))
    and contact_outbound.sent_at < in_evaluation.silent_until
  -- A next-action date agreed beyond the 24 hours replaces this obligation.
  where not coalesce(in_evaluation.next_action_at > in_evaluation.silent_from + to_seconds((select follow_up from thresholds)), false)
  group by all
),

re_engagements as (
  select
    in_evaluation.inquiry_id,
    in_evaluation.contact_id,
    're_engagement' as kind,
    silent_from + to_seconds((select re_engagement_from from thresholds)) as started_at,
    silent_from + to_seconds((select re_engagement_to from thresholds)) as due_at,
    silent_until,
    -- After 14 days of silence outbound effort rarely revives a conversation (the seed article).
    least(silence_ends_at, silent_from + to_seconds((select dormant_after from thresholds))) as expires_at,
    min(contact_outbound.sent_at) as fulfilled_at,
    arg_min(contact_outbound.agent_id, contact_outbound.sent_at) as fulfilled_by_agent_id
  from in_evaluation
  left join contact_outbound
    on contact_outbound.phone_number_id = in_evaluation.phone_number_id
    and contact_outbound.contact_id = in_evaluation.contact_id
    and contact_outbound.sent_at >= in_evaluation.silent_from + to_seconds((select re_engagement_from from thresholds))
    and contact_outbound.sent_at < in_evaluation.silent_until
  group by all
),

next_actions as (
  select
    closures.inquiry_id,
    inquiries.contact_id,
    'next_action' as kind,
    closures.disposition_at as started_at,
    closures.next_action_at + to_seconds((select grace from thresholds)) as due_at,
    'infinity'::timestamptz as silent_until,
    -- Owed until the contact writes again (a new inquiry takes over) or it is two weeks stale.
    closures.next_action_at + to_seconds((select grace from thresholds)) + to_seconds((select dormant_after from thresholds))
      as stale_at,
    min(contact_inbound.sent_at) as contact_wrote_at,
    min(contact_outbound.sent_at) as fulfilled_at,
    arg_min(contact_outbound.agent_id, contact_outbound.sent_at) as fulfilled_by_agent_id
  from closures
  join inquiries using (inquiry_id)
  left join contact_outbound
    on contact_outbound.phone_number_id = inquiries.phone_number_id
    and contact_outbound.contact_id = inquiries.contact_id
    and contact_outbound.sent_at >= greatest(
      closures.disposition_at + to_seconds((select min_gap from thresholds)),
      closures.next_action_at - to_seconds((select grace from thresholds))
    )
  left join contact_inbound
    on contact_inbound.phone_number_id = inquiries.phone_number_id
    and contact_inbound.contact_id = inquiries.contact_id
    and contact_inbound.sent_at > closures.disposition_at
  where closures.next_action in ('follow_up', 'send_proposal', 'escalate_to_owner')
    and closures.next_action_at is not null
    and closures.disposition_at <= {{ as_of() }}
  group by all
),

unioned as (
  select * from follow_ups
  union all by name
  select * from re_engagements
  union all by name
  select * exclude (stale_at, contact_wrote_at), least(coalesce(contact_wrote_at, 'infinity'::timestamptz), stale_at) as expires_at
  from next_actions
),

final as (
  select
    inquiry_id || ':' || kind || ':' || strftime(started_at, '%Y%m%dT%H%M%S') as obligation_key,
    inquiry_id,
    kind,
    started_at,
    due_at,
    expires_at,
    fulfilled_at,
    fulfilled_by_agent_id,
    contact_id
  from unioned
  -- A follow-up is owed when the silence lasted until it was due (or lasts still), a re-engagement
  -- when the silence reached day 4; either counts when we wrote anyway. A contact who answers first
  -- ends the silence and the obligation with it.
  where started_at <= {{ as_of() }}
    and (
      kind = 'next_action'
      or fulfilled_at is not null
      or (kind = 'follow_up_24h' and (silent_until >= due_at or silent_until >= {{ as_of() }}))
      or (kind = 're_engagement' and silent_until >= started_at)
    )
)

select * from final
