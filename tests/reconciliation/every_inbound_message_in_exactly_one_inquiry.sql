-- Reconciliation: every inbound message on the timeline belongs to exactly one inquiry, and the
-- inquiries' inbound counts add up to the timeline. Returns the messages (or the total) that do not.

with timeline as (
  select message_id from {{ ref('int_messages_unified') }} where direction = 'inbound'
),

placed as (
  select message_id, count(*) as inquiries
  from {{ ref('int_messages_by_inquiry') }}
  where direction = 'inbound'
  group by message_id
),

misplaced as (
  select timeline.message_id, coalesce(placed.inquiries, 0) as inquiries
  from timeline
  full join placed using (message_id)
  where coalesce(placed.inquiries, 0) <> 1 or timeline.message_id is null
),

totals as (
  select
    'total' as message_id,
    (select sum(inbound_message_count) from {{ ref('fct_inquiries') }}) as inquiries
  where (select coalesce(sum(inbound_message_count), 0) from {{ ref('fct_inquiries') }}) <> (select count(*) from timeline)
)

select * from misplaced
union all
select * from totals
