-- The triage category of each inquiry, from its inbound messages up to the first human response.
-- Each message qualifies for the highest category it can; the inquiry takes the highest any of its
-- messages reached (so it can upgrade before anyone answers, never after). Ranks come from the
-- sla_targets seed. triage_reason says which message and rule decided it.
-- Incremental by contact, "now" reaching it through int_inquiry_closures (deadlines=true).
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts(deadlines=true) }}") }}

with inquiries as (
  select * from {{ ref('int_inquiries_sessionized') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

first_responses as (
  select * exclude (contact_id) from {{ ref('int_inquiry_first_responses') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

signals as (
  select * from {{ ref('int_message_signals') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

targets as (
  select triage_category, priority_rank from {{ ref('sla_targets') }}
),

returning_contacts as (
  -- A contact is returning when a person answered one of their earlier inquiries.
  select
    inquiries.inquiry_id,
    max(earlier.opened_at) filter (where earlier_responses.first_response_at is not null) as previous_answered_at
  from inquiries
  left join inquiries as earlier
    on earlier.phone_number_id = inquiries.phone_number_id
    and earlier.contact_id = inquiries.contact_id
    and earlier.opened_at < inquiries.opened_at
  left join first_responses as earlier_responses on earlier_responses.inquiry_id = earlier.inquiry_id
  group by inquiries.inquiry_id
),

before_first_response as (
  select signals.*, returning_contacts.previous_answered_at is not null as is_returning
  from signals
  join returning_contacts using (inquiry_id)
  left join first_responses using (inquiry_id)
  where first_responses.first_response_at is null or signals.sent_at < first_responses.first_response_at
),

flagged as (
  select
    *,
    -- A bare broadcast reply is a tap on our template's button, or a reply to it with no phrase.
    is_broadcast_reply and high_intent_phrase is null and information_phrase is null and named_product is null
      as is_bare_broadcast_reply
  from before_first_response
),

message_categories as (
  select
    *,
    case
      when is_returning and not (is_bare_acknowledgement or is_reaction or is_bare_broadcast_reply) then 'high_intent_return'
      when not is_returning and (high_intent_phrase is not null or named_product is not null) then 'fresh_high_intent'
      when information_phrase is not null or not (is_broadcast_reply or is_bare_acknowledgement or is_reaction)
        then 'information_request'
      else 'passive_engagement'
    end as message_category,
    case
      when is_returning and not (is_bare_acknowledgement or is_reaction or is_bare_broadcast_reply)
        then 'returning contact, answered before'
      when not is_returning and high_intent_phrase is not null then 'high-intent phrase "' || high_intent_phrase || '"'
      when not is_returning and named_product is not null then 'names a product: ' || named_product
      when information_phrase is not null then 'question about "' || information_phrase || '"'
      when not (is_broadcast_reply or is_bare_acknowledgement or is_reaction) then 'general message, no phrase matched'
      when is_reaction then 'reaction only'
      when is_broadcast_reply then 'reply to a broadcast'
      else 'bare acknowledgement'
    end as message_reason
  from flagged
),

ranked as (
  select
    message_categories.*,
    targets.priority_rank,
    -- The highest category decides; within it, a message that matched a phrase explains more than a greeting.
    row_number() over (
      partition by inquiry_id
      order by targets.priority_rank, message_reason = 'general message, no phrase matched', sent_at, message_id
    ) as decision_order
  from message_categories
  join targets on targets.triage_category = message_categories.message_category
),

final as (
  select
    inquiries.inquiry_id,
    inquiries.contact_id,
    returning_contacts.previous_answered_at is not null as is_returning,
    returning_contacts.previous_answered_at,
    coalesce(ranked.message_category, 'information_request') as triage_category,
    coalesce(ranked.message_reason, 'no readable message before the first response') as triage_reason,
    ranked.message_id as triage_message_id
  from inquiries
  join returning_contacts using (inquiry_id)
  left join ranked on ranked.inquiry_id = inquiries.inquiry_id and ranked.decision_order = 1
)

select * from final
