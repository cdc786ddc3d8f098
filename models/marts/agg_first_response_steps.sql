-- The seed's step function, per week and category: the share of inquiries a person had answered
-- by 5 minutes, 30 minutes, 2 hours and 24 hours, beside the category's target. Each step counts
-- every inquiry opened that week (unanswered ones never reach a step), so the steps only rise.

with inquiries as (
  select
    triage_category,
    target_seconds,
    first_response_seconds,
    cast(date_trunc('week', {{ to_local('opened_at') }}) as date) as week_start
  from {{ ref('fct_inquiries') }}
  where not is_history
),

steps as (
  select * from (values (300, '5 min', 1), (1800, '30 min', 2), (7200, '2 h', 3), (86400, '24 h', 4)) as steps(step_seconds, step_label, step_order)
),

final as (
  select
    inquiries.week_start,
    inquiries.triage_category,
    steps.step_seconds,
    steps.step_label,
    steps.step_order,
    any_value(inquiries.target_seconds) as target_seconds,
    count(*) as inquiry_count,
    count(*) filter (where inquiries.first_response_seconds <= steps.step_seconds) as answered_count,
    count(*) filter (where inquiries.first_response_seconds <= steps.step_seconds) / count(*) as answered_share
  from inquiries
  cross join steps
  group by all
)

select * from final
