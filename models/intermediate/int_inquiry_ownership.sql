-- One row per inquiry: when it was first assigned, to whom, and who owns it now (at its close, or
-- "now" while open). Without any assignment, the CRM contact owner is the owner.

with inquiries as (
  select inquiry_id, contact_id from {{ ref('int_inquiries_sessionized') }}
),

intervals as (
  select * from {{ ref('int_inquiry_owner_intervals') }}
),

contacts as (
  select contact_id, crm_owner_agent_id from {{ ref('int_contact_crm_matches') }}
),

assigned as (
  select
    inquiry_id,
    min(owned_from) filter (where owner_agent_id is not null) as first_assigned_at,
    arg_min(owner_agent_id, owned_from) filter (where owner_agent_id is not null) as first_owner_agent_id,
    arg_max(owner_agent_id, owned_from) as last_owner_agent_id,
    count(*) filter (where owner_agent_id is not null) as assignment_count
  from intervals
  group by inquiry_id
),

final as (
  select
    inquiries.inquiry_id,
    assigned.first_assigned_at,
    assigned.first_owner_agent_id,
    case when assigned.inquiry_id is not null then assigned.last_owner_agent_id else contacts.crm_owner_agent_id end as owner_agent_id,
    case
      when assigned.inquiry_id is not null then 'assignment'
      when contacts.crm_owner_agent_id is not null then 'crm_contact_owner'
    end as owner_source,
    coalesce(assigned.assignment_count, 0) as assignment_count
  from inquiries
  left join assigned using (inquiry_id)
  left join contacts using (contact_id)
)

select * from final
