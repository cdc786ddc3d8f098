with source as (
  select * from {{ source('landing', 'quarantine') }}
),

renamed as (
  select
    quarantine_key as quarantined_record_id,
    landing_id,
    kind,
    source as source_name,
    source_line,
    reason,
    record_text,
    quarantined_at
  from source
)

select * from renamed
