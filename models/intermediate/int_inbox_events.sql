-- Team events up to "now" (as_of): a build as of a past moment sees only what had happened then.

with events as (
  select * from {{ ref('stg_inbox__events') }}
),

final as (
  select * from events where event_at <= {{ as_of() }}
)

select * from final
