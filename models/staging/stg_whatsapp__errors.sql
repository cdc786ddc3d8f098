with source as (
  select * from {{ source('whatsapp', 'errors') }}
),

renamed as (
  select
    error_key as error_id,
    webhook_id,
    phone_number_id,
    error_code,
    error_title,
    error_message,
    error_details,
    landed_at
  from source
)

select * from renamed
