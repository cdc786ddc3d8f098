-- Loads CRM deal versions from landing_batch; (deal_id, updated_at) is the natural key.
insert into raw_crm_deals
with typed as (
  select landing_id, landed_at, from_json(record, '{
    "deal_id": "VARCHAR", "crm_contact_id": "VARCHAR", "name": "VARCHAR", "amount_inr": "DECIMAL(18,2)", "stage": "VARCHAR",
    "owner_agent_id": "VARCHAR", "created_at": "TIMESTAMPTZ", "updated_at": "TIMESTAMPTZ", "closed_at": "TIMESTAMPTZ"
  }') as r
  from landing_batch
)
select r.deal_id, r.updated_at, landing_id, landed_at, r.crm_contact_id, r.name, r.amount_inr, r.stage, r.owner_agent_id,
  r.created_at, r.closed_at
from typed t
where not exists (select 1 from raw_crm_deals d where d.deal_id = t.r.deal_id and d.updated_at = t.r.updated_at)
qualify row_number() over (partition by r.deal_id, r.updated_at order by landed_at, landing_id) = 1;
