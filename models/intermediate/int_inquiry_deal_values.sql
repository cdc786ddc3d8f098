-- What is at stake in each inquiry: the rupee value of the contact's CRM deals as they stood when
-- the inquiry closed (or now, while open), leaving out deals already closed before it opened.

with inquiries as (
  select inquiry_id, contact_id, opened_at from {{ ref('int_inquiries_sessionized') }}
),

closures as (
  select inquiry_id, closed_at from {{ ref('int_inquiry_closures') }}
),

crm as (
  select contact_id, crm_contact_id from {{ ref('int_contact_crm_matches') }}
),

deal_versions as (
  select * from {{ ref('stg_crm__deal_versions') }}
),

deals_then as (
  select inquiries.inquiry_id, deal_versions.deal_id, deal_versions.amount_inr, deal_versions.closed_at, inquiries.opened_at
  from inquiries
  join crm using (contact_id)
  left join closures using (inquiry_id)
  join deal_versions
    on deal_versions.crm_contact_id = crm.crm_contact_id
    and deal_versions.updated_at <= coalesce(closures.closed_at, {{ as_of() }})
  qualify row_number() over (partition by inquiries.inquiry_id, deal_versions.deal_id order by deal_versions.updated_at desc) = 1
),

final as (
  select inquiry_id, sum(amount_inr) as deal_value_inr
  from deals_then
  where closed_at is null or closed_at >= opened_at
  group by inquiry_id
)

select * from final
