-- The team, one row per person ever on a roster. A roster file is the whole team at the time it
-- was loaded: people in the latest one are as it says; people missing from it have left.

with versions as (
  select * from {{ ref('stg_roster__agent_versions') }}
),

role_levels as (
  select role, role_level from {{ ref('role_levels') }}
),

latest_snapshot as (
  select arg_max(roster_snapshot_id, landed_at) as roster_snapshot_id from versions
),

latest_rows as (
  select *
  from versions
  qualify row_number() over (partition by agent_id order by landed_at desc, agent_version_id) = 1
),

final as (
  select
    latest_rows.agent_id,
    latest_rows.agent_name,
    latest_rows.email,
    latest_rows.role,
    role_levels.role_level,
    latest_rows.team,
    latest_rows.supervisor_id,
    latest_rows.capacity,
    latest_rows.is_active and latest_rows.roster_snapshot_id = latest_snapshot.roster_snapshot_id as is_active,
    latest_rows.roster_snapshot_id = latest_snapshot.roster_snapshot_id as is_on_latest_roster
  from latest_rows
  cross join latest_snapshot
  left join role_levels using (role)
)

select * from final
