-- One row about the build itself: the "now" its clocks were evaluated at, and when it ran. The API
-- reports the warehouse's freshness from it (GET /readyz).

select
  {{ as_of() }} as as_of,
  current_timestamp as built_at,
  '{{ var("business_timezone") }}' as business_timezone,
  -- Set by the CLI (pipeline/build-fingerprint.ts): the next build appends to a copy of this
  -- warehouse only when its own fingerprint is the same.
  '{{ build_setting("REPLYWATCH_BUILD_FINGERPRINT", "") }}' as build_fingerprint
