-- Loads new team events from landing_batch; event_id is the natural key.
insert into raw_inbox_events
with typed as (
  select landing_id, landed_at, from_json(record, '{
    "event_id": "VARCHAR", "type": "VARCHAR", "at": "TIMESTAMPTZ", "phone_number_id": "VARCHAR", "wa_id": "VARCHAR",
    "agent_id": "VARCHAR", "by": "VARCHAR", "from_agent_id": "VARCHAR", "to_agent_id": "VARCHAR", "note": "VARCHAR",
    "reason": "VARCHAR", "disposition": "VARCHAR", "next_action": "VARCHAR", "next_action_at": "TIMESTAMPTZ"
  }') as r
  from landing_batch
)
select r.event_id, landing_id, landed_at, r."type", r."at", r.phone_number_id, r.wa_id, r.agent_id, r."by",
  r.from_agent_id, r.to_agent_id, r.note, r.reason, r.disposition, r.next_action, r.next_action_at
from typed t
where not exists (select 1 from raw_inbox_events e where e.event_id = t.r.event_id)
qualify row_number() over (partition by r.event_id order by landed_at, landing_id) = 1;
