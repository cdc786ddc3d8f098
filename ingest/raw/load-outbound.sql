-- Loads new outbound-log records from landing_batch; the wamid is the natural key.
insert into raw_outbound_messages
with typed as (
  select landing_id, landed_at, from_json(record, '{
    "wamid": "VARCHAR", "phone_number_id": "VARCHAR", "to": "VARCHAR", "sent_at": "TIMESTAMPTZ", "author_kind": "VARCHAR",
    "agent_id": "VARCHAR", "type": "VARCHAR", "template_name": "VARCHAR", "text": "VARCHAR"
  }') as r
  from landing_batch
)
select r.wamid, landing_id, landed_at, r.phone_number_id, r."to", r.sent_at, r.author_kind, r.agent_id, r."type",
  r.template_name, r.text
from typed t
where not exists (select 1 from raw_outbound_messages o where o.wamid = t.r.wamid)
qualify row_number() over (partition by r.wamid order by landed_at, landing_id) = 1;
