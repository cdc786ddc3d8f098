-- One row per human reply given while an older, higher-priority obligation of the same team was
-- waiting - and that obligation then breached: who answered what, and what they skipped (the most
-- urgent one, and how many higher-priority ones were waiting). The seed article's priority failure
-- ("answered a broadcast reply while a ₹5 lakh returning prospect waited").

with inversions as (
  select * from {{ ref('int_priority_inversions') }}
),

final as (
  select
    inversion_id,
    responded_at,
    responder_agent_id,
    team,
    answered_obligation_id,
    answered_inquiry_id,
    answered_category,
    skipped_obligation_id,
    skipped_inquiry_id,
    skipped_category,
    skipped_owner_agent_id,
    skipped_waiting_seconds,
    was_skipped_already_overdue,
    skipped_deal_value_inr,
    higher_priority_waiting_count
  from inversions
)

select * from final
