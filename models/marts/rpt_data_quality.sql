-- One row of data-quality figures the dashboard shows beside freshness: how many contacts the CRM
-- match found, and how many inquiries closed without an outcome.

select
  (select count(*) from {{ ref('dim_contacts') }}) as contact_count,
  (select count(crm_contact_id) from {{ ref('dim_contacts') }}) as crm_matched_count,
  (select count(crm_contact_id) / nullif(count(*), 0) from {{ ref('dim_contacts') }}) as crm_match_rate,
  (select count(*) from {{ ref('fct_inquiries') }} where closed_at is not null and not is_history) as closed_inquiry_count,
  (select count(*) from {{ ref('fct_inquiries') }} where closed_at is not null and disposition is null and not is_history) as closed_without_disposition_count,
  (select count(*) from {{ ref('fct_inquiries') }} where closed_at is null and owner_agent_id is null and not is_history) as open_unowned_count,
  (select count(*) from {{ ref('stg_landing__quarantine') }}) as quarantined_count
