-- When the business fails: inquiries opened, and first-response targets missed, per local weekday
-- and hour over the eight weeks before the build - the seed's evenings, weekends and holidays made
-- visible. weekday 1 is Monday.

with inquiries as (
  select
    fct.inquiry_id,
    fct.is_first_response_met,
    opening.is_opened_in_business_hours,
    {{ to_local('fct.opened_at') }} as opened_local
  from {{ ref('fct_inquiries') }} as fct
  join {{ ref('int_inquiry_opening_hours') }} as opening using (inquiry_id)
  where not fct.is_history
    and fct.opened_at > {{ as_of() }} - interval 56 days
    and fct.opened_at <= {{ as_of() }}
),

inbound as (
  select {{ to_local('sent_at') }} as sent_local
  from {{ ref('int_messages_unified') }}
  where direction = 'inbound' and not is_history
    and sent_at > {{ as_of() }} - interval 56 days
    and sent_at <= {{ as_of() }}
),

grid as (
  select weekday, hour
  from range(1, 8) as weekdays(weekday)
  cross join range(0, 24) as hours(hour)
),

opened as (
  select
    isodow(opened_local) as weekday,
    hour(opened_local) as hour,
    count(*) as inquiry_count,
    count(*) filter (where is_first_response_met is not null) as judged_count,
    count(*) filter (where is_first_response_met = false) as missed_count,
    count(*) filter (where not is_opened_in_business_hours) as after_hours_count
  from inquiries
  group by all
),

messages as (
  select isodow(sent_local) as weekday, hour(sent_local) as hour, count(*) as inbound_message_count
  from inbound
  group by all
),

final as (
  select
    cast(grid.weekday as integer) as weekday,
    ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][grid.weekday] as weekday_name,
    cast(grid.hour as integer) as hour,
    coalesce(messages.inbound_message_count, 0) as inbound_message_count,
    coalesce(opened.inquiry_count, 0) as inquiry_count,
    coalesce(opened.judged_count, 0) as judged_count,
    coalesce(opened.missed_count, 0) as missed_count,
    opened.missed_count / nullif(opened.judged_count, 0) as miss_rate,
    coalesce(opened.after_hours_count, 0) as after_hours_count
  from grid
  left join opened using (weekday, hour)
  left join messages using (weekday, hour)
)

select * from final
