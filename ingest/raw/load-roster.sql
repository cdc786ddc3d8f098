-- Loads roster rows from landing_batch. A roster has no version column: an edited row is a new
-- version (keyed by its content), and staging takes the latest landed version per agent.
insert into raw_roster
with typed as (
  select landing_id, landed_at, md5(record::varchar) as roster_row_key, from_json(record, '{
    "agent_id": "VARCHAR", "name": "VARCHAR", "role": "VARCHAR", "team": "VARCHAR", "supervisor_id": "VARCHAR",
    "capacity": "INTEGER", "active": "BOOLEAN"
  }') as r
  from landing_batch
)
select roster_row_key, landing_id, landed_at, r.agent_id, r.name, r.role, r.team, r.supervisor_id, r.capacity, r.active
from typed t
where not exists (select 1 from raw_roster o where o.roster_row_key = t.roster_row_key)
qualify row_number() over (partition by roster_row_key order by landed_at, landing_id) = 1;
