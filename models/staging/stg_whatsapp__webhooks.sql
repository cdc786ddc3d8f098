with source as (
  select * from {{ source('whatsapp', 'webhooks') }}
),

renamed as (
  select
    webhook_id,
    landing_id,
    landed_at,
    source as source_name,
    body
  from source
)

select * from renamed
