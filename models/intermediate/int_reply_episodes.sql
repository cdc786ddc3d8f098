-- Awaiting episodes: every run of inbound messages after the last human reply is an obligation to
-- reply - the first one is the first response, the later ones next responses. An episode is
-- fulfilled by the next human reply that reached the customer, while the inquiry was open.
-- Incremental by contact, "now" reaching it through int_inquiry_closures (deadlines=true).
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts(deadlines=true) }}") }}

with messages as (
  select * from {{ ref('int_messages_by_inquiry') }} where is_conversational and {{ is_changed_contact('contact_id', deadlines=true) }}
),

closures as (
  select inquiry_id, closed_at from {{ ref('int_inquiry_closures') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

repeat_gap as (
  select seconds from {{ ref('response_thresholds') }} where threshold = 'repeat_unanswered_after'
),

numbered as (
  select
    *,
    direction = 'outbound' and author_kind = 'agent' and not is_delivery_failed as is_human_reply,
    -- Human replies before each message: inbound messages with the same count wait together.
    coalesce(sum(case when direction = 'outbound' and author_kind = 'agent' and not is_delivery_failed then 1 else 0 end) over (
      partition by inquiry_id order by sent_at, direction, message_id rows between unbounded preceding and 1 preceding
    ), 0) as replies_before
  from messages
),

episodes as (
  select
    inquiry_id,
    any_value(contact_id) as contact_id,
    replies_before as episode_number,
    min(sent_at) as started_at,
    max(sent_at) as last_inbound_at,
    count(*) as inbound_count
  from numbered
  where direction = 'inbound'
  group by inquiry_id, replies_before
),

replies_while_open as (
  -- Only a reply sent while the inquiry was open ends an episode.
  select numbered.inquiry_id, numbered.replies_before + 1 as reply_number, numbered.sent_at, numbered.agent_id, numbered.message_id
  from numbered
  left join closures using (inquiry_id)
  where numbered.is_human_reply and (closures.closed_at is null or numbered.sent_at <= closures.closed_at)
),

final as (
  select
    episodes.inquiry_id || ':' || episodes.episode_number as episode_id,
    episodes.inquiry_id,
    episodes.contact_id,
    episodes.episode_number,
    case when episodes.episode_number = 0 then 'first_response' else 'next_response' end as kind,
    episodes.started_at,
    episodes.last_inbound_at,
    episodes.inbound_count,
    -- Writing again and again without a reply: two or more messages spread over more than an hour.
    episodes.inbound_count >= 2
      and {{ seconds_between('episodes.started_at', 'episodes.last_inbound_at') }} > (select seconds from repeat_gap)
      as is_repeat_unanswered,
    replies.sent_at as fulfilled_at,
    replies.agent_id as fulfilled_by_agent_id,
    replies.message_id as fulfilled_by_message_id
  from episodes
  -- The reply that ends episode n is human reply number n + 1.
  left join replies_while_open as replies
    on replies.inquiry_id = episodes.inquiry_id
    and replies.reply_number = episodes.episode_number + 1
)

select * from final
