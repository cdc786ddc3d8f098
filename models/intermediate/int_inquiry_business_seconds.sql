-- First-response latency counted in business time only: the seconds of business windows that
-- fall between the inquiry opening and the first human response. Kept apart from the wall-clock
-- figure (int_inquiry_first_responses) and joined in the mart.
-- Incremental by contact, "now" reaching it through int_inquiry_first_responses (deadlines=true).
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts(deadlines=true) }}") }}

with responses as (
  select inquiries.inquiry_id, inquiries.contact_id, inquiries.opened_at, first_responses.first_response_at
  from {{ ref('int_inquiries_sessionized') }} as inquiries
  join {{ ref('int_inquiry_first_responses') }} as first_responses using (inquiry_id)
  where first_responses.first_response_at is not null and {{ is_changed_contact('inquiries.contact_id', deadlines=true) }}
),

windows as (
  select opens_at, closes_at from {{ ref('int_business_windows') }}
),

window_overlaps as (
  select
    responses.inquiry_id,
    {{ seconds_between('greatest(windows.opens_at, responses.opened_at)', 'least(windows.closes_at, responses.first_response_at)') }}
      as overlap_seconds
  from responses
  join windows
    on windows.opens_at < responses.first_response_at
    and windows.closes_at > responses.opened_at
),

final as (
  select
    responses.inquiry_id,
    responses.contact_id,
    cast(coalesce(sum(window_overlaps.overlap_seconds), 0) as bigint) as first_response_business_seconds
  from responses
  left join window_overlaps using (inquiry_id)
  group by responses.inquiry_id, responses.contact_id
)

select * from final
