-- The first-response target of each inquiry from its triage category (sla_targets seed): due_at is
-- opened_at plus target_seconds, or for a same-business-day target the close of the first business
-- day that closes after the inquiry opened.
-- Incremental by contact, "now" reaching it through int_inquiry_triage and the calendar, which ends
-- 60 days past "now": int_changed_contacts lists for a deadline every same-day due time the shorter
-- of two builds' calendars may not reach (deadlines=true).
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts(deadlines=true) }}") }}

with triage as (
  select * exclude (contact_id) from {{ ref('int_inquiry_triage') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

inquiries as (
  select inquiry_id, contact_id, opened_at from {{ ref('int_inquiries_sessionized') }} where {{ is_changed_contact('contact_id', deadlines=true) }}
),

targets as (
  select * from {{ ref('sla_targets') }}
),

business_day_closes as (
  select local_date, max(closes_at) as day_closes_at
  from {{ ref('int_business_windows') }}
  group by local_date
),

same_day_dues as (
  select inquiries.inquiry_id, min(business_day_closes.day_closes_at) as due_at
  from inquiries
  join business_day_closes on business_day_closes.day_closes_at > inquiries.opened_at
  group by inquiries.inquiry_id
),

final as (
  select
    inquiries.inquiry_id,
    inquiries.contact_id,
    triage.triage_category,
    targets.priority_rank,
    targets.target_basis,
    targets.target_seconds,
    targets.required_role,
    case targets.target_basis
      when 'elapsed' then inquiries.opened_at + to_seconds(targets.target_seconds)
      when 'business_day_end' then same_day_dues.due_at
    end as due_at
  from inquiries
  join triage using (inquiry_id)
  join targets using (triage_category)
  left join same_day_dues using (inquiry_id)
)

select * from final
