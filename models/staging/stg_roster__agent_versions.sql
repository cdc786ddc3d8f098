with source as (
  select * from {{ source('roster', 'agents') }}
),

renamed as (
  select
    roster_row_key as agent_version_id,
    agent_id,
    trim(name) as agent_name,
    role,
    team,
    nullif(trim(supervisor_id), '') as supervisor_id,
    capacity,
    active as is_active,
    landed_at
  from source
)

select * from renamed
