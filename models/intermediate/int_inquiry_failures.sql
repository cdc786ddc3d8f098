-- The seed article's four failures, flagged per inquiry with a machine-readable reason:
--   visibility      waiting unowned past its target; abandoned with no human reply
--   context         a returning contact answered by someone new without a note, or with a note
--                   not acknowledged; a handoff whose receiver wrote before acknowledging
--   priority        skipped for a lower-priority inquiry that arrived later, and breached
--   accountability  the assignee never replied; closed without a disposition; a next action overdue
-- When an inquiry has several reasons for one failure, the reason named is the first in that order.

with inquiries as (
  select inquiry_id from {{ ref('int_inquiries_sessionized') }}
),

closures as (
  select * from {{ ref('int_inquiry_closures') }}
),

first_responses as (
  select * from {{ ref('int_inquiry_first_responses') }}
),

targets as (
  select inquiry_id, due_at from {{ ref('int_inquiry_targets') }}
),

ownership as (
  select * from {{ ref('int_inquiry_ownership') }}
),

owner_intervals as (
  select * from {{ ref('int_inquiry_owner_intervals') }}
),

continuity as (
  select * from {{ ref('int_inquiry_continuity') }}
),

handoffs as (
  select inquiry_id, bool_or(is_acknowledged_before_writing = false) as has_unacknowledged_handoff
  from {{ ref('int_handoffs') }}
  group by inquiry_id
),

inversions as (
  select distinct inquiry_id from {{ ref('int_skipped_obligations') }}
),

obligations as (
  select
    inquiry_id,
    bool_or(kind = 'first_response' and is_met = false) as first_response_missed,
    bool_or(kind = 'next_action' and is_met = false) as next_action_overdue
  from {{ ref('int_reply_obligations') }}
  group by inquiry_id
),

first_owner_replied as (
  select ownership.inquiry_id, count(messages.message_id) > 0 as replied
  from ownership
  left join {{ ref('int_messages_by_inquiry') }} as messages
    on messages.inquiry_id = ownership.inquiry_id
    and messages.agent_id = ownership.first_owner_agent_id
    and messages.direction = 'outbound'
  where ownership.first_owner_agent_id is not null
  group by ownership.inquiry_id
),

owner_at_due as (
  -- Who owned it when it fell due; never assigned, the CRM contact owner owned it all along.
  select
    targets.inquiry_id,
    case when ownership.owner_source = 'crm_contact_owner' then ownership.owner_agent_id else owner_intervals.owner_agent_id end
      as owner_agent_id
  from targets
  left join ownership using (inquiry_id)
  asof left join owner_intervals
    on owner_intervals.inquiry_id = targets.inquiry_id
    and targets.due_at >= owner_intervals.owned_from
),

reasons as (
  select
    inquiries.inquiry_id,
    case
      when coalesce(obligations.first_response_missed, false) and owner_at_due.owner_agent_id is null then 'unowned_past_target'
      when closures.closed_at is not null and first_responses.first_response_at is null
        and closures.close_reason = 'dormant' then 'abandoned_without_reply'
    end as visibility_failure_reason,
    case
      when continuity.is_continuity_kept = false and not continuity.has_note_for_first_responder then 'new_responder_without_note'
      when continuity.is_continuity_kept = false and not continuity.has_ack_by_first_responder then 'note_not_acknowledged'
      when coalesce(handoffs.has_unacknowledged_handoff, false) then 'handoff_not_acknowledged'
    end as context_failure_reason,
    case when inversions.inquiry_id is not null then 'skipped_for_lower_priority' end as priority_failure_reason,
    case
      when coalesce(obligations.first_response_missed, false) and first_owner_replied.replied = false then 'assignee_never_replied'
      when closures.close_reason in ('closed', 'dormant') and closures.disposition is null then 'closed_without_disposition'
      when coalesce(obligations.next_action_overdue, false) then 'next_action_overdue'
    end as accountability_failure_reason
  from inquiries
  left join closures using (inquiry_id)
  left join first_responses using (inquiry_id)
  left join obligations using (inquiry_id)
  left join owner_at_due using (inquiry_id)
  left join continuity using (inquiry_id)
  left join handoffs using (inquiry_id)
  left join inversions using (inquiry_id)
  left join first_owner_replied using (inquiry_id)
),

final as (
  select
    inquiry_id,
    visibility_failure_reason is not null as has_visibility_failure,
    visibility_failure_reason,
    context_failure_reason is not null as has_context_failure,
    context_failure_reason,
    priority_failure_reason is not null as has_priority_failure,
    priority_failure_reason,
    accountability_failure_reason is not null as has_accountability_failure,
    accountability_failure_reason
  from reasons
)

select * from final
