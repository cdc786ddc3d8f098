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

roster_agents as (
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
),

business_app as (
  -- Replies typed in the WhatsApp Business app name no person; they are the app's. The phone
  -- with the app usually belongs to the owner (var business_app_role says whose level it has).
  select
    'business_app' as agent_id, 'WhatsApp Business app' as agent_name, cast(null as varchar) as email,
    role_levels.role, role_levels.role_level, cast(null as varchar) as team,
    cast(null as varchar) as supervisor_id, cast(null as integer) as capacity, true as is_active, false as is_on_latest_roster
  from role_levels
  where role_levels.role = '{{ var("business_app_role") }}'
    and exists (select 1 from {{ ref('int_messages_unified') }} where agent_id = 'business_app')
),

final as (
  select * from roster_agents
  union all by name
  select * from business_app
)

select * from final
