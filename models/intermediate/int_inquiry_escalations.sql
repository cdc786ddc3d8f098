-- Why an inquiry needs a senior, and whether one answered. Triggers: price negotiation, complaint
-- or legal/regulatory language in the contact's messages, and repeated unanswered attempts (two or
-- more messages over more than an hour in one wait, or an earlier inquiry nobody answered). An
-- escalated inquiry is handled when someone at senior level or above replies after it escalated;
-- a reply only from sales or support leaves it unhandled.

with inquiries as (
  select inquiry_id, phone_number_id, contact_id, opened_at from {{ ref('int_inquiries_sessionized') }}
),

signals as (
  select * from {{ ref('int_message_signals') }}
),

episodes as (
  select * from {{ ref('int_reply_episodes') }}
),

responses as (
  select inquiry_id, first_response_at from {{ ref('int_inquiry_first_responses') }}
),

closures as (
  select inquiry_id, closed_at from {{ ref('int_inquiry_closures') }}
),

escalated_events as (
  select inquiry_id, min(event_at) as escalated_at
  from {{ ref('int_inbox_events_by_inquiry') }}
  where event_type = 'escalated' and inquiry_id is not null
  group by inquiry_id
),

human_replies as (
  select messages.inquiry_id, messages.sent_at, agents.role_level
  from {{ ref('int_messages_by_inquiry') }} as messages
  left join {{ ref('int_agents') }} as agents on agents.agent_id = messages.agent_id
  where messages.direction = 'outbound' and messages.author_kind = 'agent' and not messages.is_delivery_failed
),

senior_level as (
  select role_level from {{ ref('role_levels') }} where role = 'senior'
),

phrase_triggers as (
  select inquiry_id, trigger, min(sent_at) as triggered_at
  from signals
  unpivot (phrase for trigger in (
    price_negotiation_phrase as 'price_negotiation',
    complaint_phrase as 'complaint',
    legal_regulatory_phrase as 'legal_regulatory'
  ))
  group by inquiry_id, trigger
),

repeat_triggers as (
  select inquiry_id, 'repeat_unanswered' as trigger, min(last_inbound_at) as triggered_at
  from episodes
  where is_repeat_unanswered
  group by inquiry_id
  union all
  -- The contact wrote before and nobody answered that inquiry.
  select current.inquiry_id, 'repeat_unanswered', current.opened_at
  from inquiries as current
  join inquiries as earlier
    on earlier.phone_number_id = current.phone_number_id
    and earlier.contact_id = current.contact_id
    and earlier.opened_at < current.opened_at
  join responses on responses.inquiry_id = earlier.inquiry_id and responses.first_response_at is null
  group by current.inquiry_id, current.opened_at
),

triggers as (
  select inquiry_id, trigger, min(triggered_at) as triggered_at
  from (select * from phrase_triggers union all select * from repeat_triggers)
  group by inquiry_id, trigger
),

per_inquiry as (
  select
    inquiries.inquiry_id,
    list(triggers.trigger order by triggers.trigger) filter (where triggers.trigger is not null) as escalation_triggers,
    least(min(triggers.triggered_at), any_value(escalated_events.escalated_at)) as escalation_started_at,
    any_value(escalated_events.escalated_at) as escalated_at
  from inquiries
  left join triggers using (inquiry_id)
  left join escalated_events using (inquiry_id)
  group by inquiries.inquiry_id
),

answered as (
  select
    per_inquiry.inquiry_id,
    bool_or(human_replies.role_level >= (select role_level from senior_level)) as has_senior_reply,
    count(human_replies.sent_at) > 0 as has_reply
  from per_inquiry
  join human_replies
    on human_replies.inquiry_id = per_inquiry.inquiry_id
    and human_replies.sent_at >= per_inquiry.escalation_started_at
  group by per_inquiry.inquiry_id
),

final as (
  select
    per_inquiry.inquiry_id,
    coalesce(per_inquiry.escalation_triggers, []::varchar[]) as escalation_triggers,
    per_inquiry.escalation_started_at,
    per_inquiry.escalated_at,
    per_inquiry.escalation_started_at is not null as needs_escalation,
    case
      when per_inquiry.escalation_started_at is null then null
      when coalesce(answered.has_senior_reply, false) then true
      when coalesce(answered.has_reply, false) or closures.closed_at is not null then false
    end as is_escalation_handled
  from per_inquiry
  left join answered using (inquiry_id)
  left join closures using (inquiry_id)
)

select * from final
