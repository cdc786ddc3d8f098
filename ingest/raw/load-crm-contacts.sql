-- Loads CRM contact versions from landing_batch; (crm_contact_id, updated_at) is the natural key.
insert into raw_crm_contacts
with typed as (
  select landing_id, landed_at, from_json(record, '{
    "crm_contact_id": "VARCHAR", "phone": "VARCHAR", "name": "VARCHAR", "owner_agent_id": "VARCHAR",
    "lifecycle_stage": "VARCHAR", "created_at": "TIMESTAMPTZ", "updated_at": "TIMESTAMPTZ"
  }') as r
  from landing_batch
)
select r.crm_contact_id, r.updated_at, landing_id, landed_at, r.phone, r.name, r.owner_agent_id, r.lifecycle_stage, r.created_at
from typed t
where not exists (
  select 1 from raw_crm_contacts c where c.crm_contact_id = t.r.crm_contact_id and c.updated_at = t.r.updated_at
)
qualify row_number() over (partition by r.crm_contact_id, r.updated_at order by landed_at, landing_id) = 1;
