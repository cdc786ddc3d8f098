-- The team as the latest roster says, one row per person.

with versions as (
  select * from {{ ref('stg_roster__agent_versions') }}
),

role_levels as (
  select role, role_level from {{ ref('role_levels') }}
),

latest as (
  select *
  from versions
  qualify row_number() over (partition by agent_id order by landed_at desc, agent_version_id) = 1
),

final as (
  select
    latest.agent_id,
    latest.agent_name,
    latest.role,
    role_levels.role_level,
    latest.team,
    latest.supervisor_id,
    latest.capacity,
    latest.is_active
  from latest
  left join role_levels using (role)
)

select * from final
