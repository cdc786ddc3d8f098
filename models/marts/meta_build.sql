-- One row about the build itself: the "now" its clocks were evaluated at, and when it ran. The API
-- reports the warehouse's freshness from it (GET /readyz).

select
  {{ as_of() }} as as_of,
  current_timestamp as built_at,
  '{{ var("business_timezone") }}' as business_timezone
