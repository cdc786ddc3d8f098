-- Every open stretch of the business as an instant range, from the first message to 60 days past
-- "now" (var business_calendar_days_ahead): the business_hours seed on each local date that is not
-- a holiday, in the business's time zone. Business-time arithmetic (latency in business seconds,
-- same-business-day targets) reads this.

with hours as (
  select * from {{ ref('business_hours') }}
),

holidays as (
  select holiday_date from {{ ref('holidays') }}
),

bounds as (
  select
    cast({{ to_local('min(sent_at)') }} as date) - 1 as first_date,
    cast({{ to_local(as_of()) }} as date) + {{ var('business_calendar_days_ahead') }} as last_date
  from {{ ref('int_messages_unified') }}
),

dates as (
  select cast(unnest(generate_series(first_date, last_date, interval 1 day)) as date) as local_date
  from bounds
  where first_date is not null
),

final as (
  select
    dates.local_date,
    {{ from_local('dates.local_date + hours.opens_at') }} as opens_at,
    {{ from_local('dates.local_date + hours.closes_at') }} as closes_at
  from dates
  join hours on hours.iso_weekday = isodow(dates.local_date)
  where dates.local_date not in (select holiday_date from holidays)
)

select * from final
