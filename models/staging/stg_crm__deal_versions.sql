with source as (
  select * from {{ source('crm', 'deals') }}
),

renamed as (
  select
    deal_id || '@' || strftime(updated_at, '%Y-%m-%dT%H:%M:%S.%fZ') as deal_version_id,
    deal_id,
    crm_contact_id,
    name as deal_name,
    amount_inr,
    stage as deal_stage,
    owner_agent_id,
    created_at,
    updated_at,
    closed_at,
    landed_at
  from source
)

select * from renamed
