-- The team, one row per person ever on a roster (see int_agents for how the roster is read).

with final as (
  select * from {{ ref('int_agents') }}
)

select * from final
