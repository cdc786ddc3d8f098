-- One row per change of owner while an inquiry was open: who handed it to whom and why, whether
-- the receiver had a note, and whether they acknowledged it before writing to the customer. The
-- first assignment is not a handoff; assigning it to the same person again is not either.

with final as (
  select * from {{ ref('int_handoffs') }}
)

select * from final
