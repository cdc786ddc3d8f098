with source as (
  select * from {{ source('roster', 'agents') }}
),

renamed as (
  select
    roster_snapshot_id || ':' || agent_id as agent_version_id,
    roster_snapshot_id,
    agent_id,
    trim(name) as agent_name,
    lower(nullif(trim(email), '')) as email,
    role,
    team,
    nullif(trim(supervisor_id), '') as supervisor_id,
    capacity,
    active as is_active,
    landed_at
  from source
)

select * from renamed
