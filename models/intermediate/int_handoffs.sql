-- One row per change of owner while an inquiry was open: who handed it to whom and why, whether
-- the receiver had a note, and whether they acknowledged it before writing to the customer. The
-- first assignment is not a handoff; assigning it to the same person again is not either.

with intervals as (
  select * from {{ ref('int_inquiry_owner_intervals') }} where owner_agent_id is not null
),

events as (
  select * from {{ ref('int_inbox_events_by_inquiry') }} where inquiry_id is not null
),

obligations as (
  select * from {{ ref('int_reply_obligations') }} where kind in ('first_response', 'next_response')
),

replies as (
  select inquiry_id, agent_id, sent_at
  from {{ ref('int_messages_by_inquiry') }}
  where direction = 'outbound' and author_kind = 'agent' and not is_delivery_failed
),

changes as (
  select
    *,
    lag(owner_agent_id) over (partition by inquiry_id order by owned_from, ownership_id) as from_agent_id
  from intervals
),

handoffs as (
  select ownership_id as handoff_id, inquiry_id, from_agent_id, owner_agent_id as to_agent_id, assigned_by, owned_from as handed_off_at
  from changes
  where from_agent_id is not null and from_agent_id <> owner_agent_id
),

receiver_first_messages as (
  select handoffs.handoff_id, min(replies.sent_at) as first_message_at
  from handoffs
  join replies
    on replies.inquiry_id = handoffs.inquiry_id
    and replies.agent_id = handoffs.to_agent_id
    and replies.sent_at >= handoffs.handed_off_at
  group by handoffs.handoff_id
),

context as (
  -- The note counts when the receiver had it before writing (or within an hour, if they never wrote).
  select
    handoffs.handoff_id,
    min(events.event_at) filter (where events.event_type = 'handoff_note') as note_at,
    min(events.event_at) filter (where events.event_type = 'handoff_ack' and events.event_at >= handoffs.handed_off_at) as acknowledged_at,
    min(events.event_at) filter (where events.event_type = 'escalated' and events.agent_id = handoffs.to_agent_id) as escalated_at
  from handoffs
  left join receiver_first_messages using (handoff_id)
  join events
    on events.inquiry_id = handoffs.inquiry_id
    and (
      (events.event_type = 'handoff_note' and events.to_agent_id = handoffs.to_agent_id
        and events.event_at <= coalesce(receiver_first_messages.first_message_at, handoffs.handed_off_at + interval 1 hour))
      or (events.event_type = 'handoff_ack' and events.agent_id = handoffs.to_agent_id)
      or (events.event_type = 'escalated' and events.event_at between handoffs.handed_off_at - interval 1 hour and handoffs.handed_off_at + interval 5 minutes)
    )
  group by handoffs.handoff_id
),

missed as (
  -- Handed off while a reply was already overdue: reassigned after a missed window.
  select handoffs.handoff_id, bool_or(true) as was_overdue
  from handoffs
  join obligations
    on obligations.inquiry_id = handoffs.inquiry_id
    and obligations.due_at < handoffs.handed_off_at
    and obligations.started_at < handoffs.handed_off_at
    and coalesce(obligations.fulfilled_at, 'infinity'::timestamptz) > handoffs.handed_off_at
  group by handoffs.handoff_id
),

final as (
  select
    handoffs.handoff_id,
    handoffs.inquiry_id,
    handoffs.from_agent_id,
    handoffs.to_agent_id,
    handoffs.assigned_by,
    handoffs.handed_off_at,
    case
      when context.escalated_at is not null then 'escalation'
      when coalesce(missed.was_overdue, false) then 'reassigned_after_missed_window'
      else 'manual'
    end as reason,
    context.note_at is not null as has_note,
    context.note_at,
    context.acknowledged_at,
    receiver_first_messages.first_message_at as receiver_first_message_at,
    case
      when receiver_first_messages.first_message_at is null then null
      else coalesce(context.acknowledged_at <= receiver_first_messages.first_message_at, false)
    end as is_acknowledged_before_writing
  from handoffs
  left join receiver_first_messages using (handoff_id)
  left join context using (handoff_id)
  left join missed using (handoff_id)
)

select * from final
