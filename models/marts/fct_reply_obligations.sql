-- One row per thing the business owed a contact: each awaiting episode (the first response and
-- every next response), each follow-up after 24 hours of silence, each re-engagement window
-- (day 4-7) and each next action a disposition promised; when it was due, whether and when it was
-- done and by whom, and whether WhatsApp's 24-hour window was still open at the due time (if not,
-- only a template can be sent).

with final as (
  select * from {{ ref('int_reply_obligations') }}
)

select * from final
