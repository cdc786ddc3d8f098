-- Whether each inquiry arrived while the business was open (business_hours and holidays seeds):
-- the after-hours figures set evenings, Sundays and holidays beside the business-hours ones.

with inquiries as (
  select inquiry_id, opened_at from {{ ref('int_inquiries_sessionized') }}
),

windows as (
  select opens_at, closes_at from {{ ref('int_business_windows') }}
),

final as (
  select
    inquiries.inquiry_id,
    coalesce(windows.closes_at > inquiries.opened_at, false) as is_opened_in_business_hours
  from inquiries
  asof left join windows on inquiries.opened_at >= windows.opens_at
)

select * from final
