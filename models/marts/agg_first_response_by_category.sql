-- First-response performance per triage category over all inquiries: how many, how many a person
-- answered, the share answered within target and the median and 90th-percentile wait.

with inquiries as (
  select * from {{ ref('fct_inquiries') }}
),

targets as (
  select triage_category, priority_rank, target_seconds, target_basis from {{ ref('sla_targets') }}
),

final as (
  select
    targets.triage_category,
    targets.priority_rank,
    targets.target_seconds,
    targets.target_basis,
    count(inquiries.inquiry_id) as inquiry_count,
    count(inquiries.first_response_at) as answered_count,
    count(inquiries.is_first_response_met) as judged_count,
    count(*) filter (where inquiries.is_first_response_met) as met_count,
    count(*) filter (where inquiries.is_first_response_met) / nullif(count(inquiries.is_first_response_met), 0) as met_share,
    cast(median(inquiries.first_response_seconds) as bigint) as median_first_response_seconds,
    cast(quantile_cont(inquiries.first_response_seconds, 0.9) as bigint) as p90_first_response_seconds
  from targets
  left join inquiries using (triage_category)
  group by all
)

select * from final
