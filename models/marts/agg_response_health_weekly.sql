-- Response health per ISO week (Monday to Sunday in the business's time zone) × triage category ×
-- owner, with 'all' rows across agents, across categories and across both: what an owner reviews
-- weekly. Inquiries count in the week they opened; follow-up and re-engagement obligations in the
-- week they started. Rates are 0-1 and null when nothing was judged.

with inquiries as (
  select
    fct.*,
    opening.is_opened_in_business_hours,
    cast(date_trunc('week', {{ to_local('fct.opened_at') }}) as date) as week_start
  from {{ ref('fct_inquiries') }} as fct
  join {{ ref('int_inquiry_opening_hours') }} as opening using (inquiry_id)
  where not fct.is_history
),

obligations as (
  select
    obligations.*,
    inquiries.owner_agent_id as inquiry_owner_agent_id,
    cast(date_trunc('week', {{ to_local('obligations.started_at') }}) as date) as week_start
  from {{ ref('int_reply_obligations') }} as obligations
  join inquiries using (inquiry_id)
  where obligations.kind in ('follow_up_24h', 're_engagement')
),

inquiry_figures as (
  select
    week_start,
    coalesce(triage_category, 'all') as triage_category,
    coalesce(owner_agent_id, 'unassigned') as agent_id,
    grouping(triage_category) as is_all_categories,
    grouping(owner_agent_id) as is_all_agents,
    count(*) as inquiry_count,
    count(first_response_at) as answered_count,
    count(is_first_response_met) as judged_count,
    count(*) filter (where is_first_response_met) as met_count,
    cast(median(first_response_seconds) as bigint) as median_first_response_seconds,
    cast(quantile_cont(first_response_seconds, 0.9) as bigint) as p90_first_response_seconds,
    cast(median(first_response_business_seconds) as bigint) as median_first_response_business_seconds,
    avg(is_within_5_minutes::int) as five_minute_hit_rate,
    count(*) filter (where close_reason = 'dormant') as dormant_count,
    avg(has_visibility_failure::int) as visibility_failure_rate,
    avg(has_context_failure::int) as context_failure_rate,
    avg(has_priority_failure::int) as priority_failure_rate,
    avg(has_accountability_failure::int) as accountability_failure_rate,
    avg((not is_opened_in_business_hours)::int) as after_hours_share,
    avg(is_first_response_met::int) filter (where not is_opened_in_business_hours) as after_hours_met_rate,
    avg(is_first_response_met::int) filter (where is_opened_in_business_hours) as business_hours_met_rate,
    coalesce(sum(deal_value_inr) filter (where is_first_response_met = false), 0) as breached_value_inr
  from inquiries
  group by grouping sets ((week_start, triage_category, owner_agent_id), (week_start, triage_category), (week_start, owner_agent_id), (week_start))
),

obligation_figures as (
  select
    week_start,
    coalesce(triage_category, 'all') as triage_category,
    coalesce(inquiry_owner_agent_id, 'unassigned') as agent_id,
    grouping(triage_category) as is_all_categories,
    grouping(inquiry_owner_agent_id) as is_all_agents,
    avg(is_met::int) filter (where kind = 'follow_up_24h') as follow_up_24h_rate,
    count(is_met) filter (where kind = 'follow_up_24h') as follow_up_24h_judged,
    avg(is_met::int) filter (where kind = 're_engagement') as re_engagement_in_window_rate,
    count(is_met) filter (where kind = 're_engagement') as re_engagement_judged
  from obligations
  group by grouping sets ((week_start, triage_category, inquiry_owner_agent_id), (week_start, triage_category), (week_start, inquiry_owner_agent_id), (week_start))
),

final as (
  select
    inquiry_figures.week_start,
    inquiry_figures.triage_category,
    case when inquiry_figures.is_all_agents = 1 then 'all' else inquiry_figures.agent_id end as agent_id,
    inquiry_figures.inquiry_count,
    inquiry_figures.answered_count,
    inquiry_figures.judged_count,
    inquiry_figures.met_count,
    inquiry_figures.met_count / nullif(inquiry_figures.judged_count, 0) as met_rate,
    inquiry_figures.median_first_response_seconds,
    inquiry_figures.p90_first_response_seconds,
    inquiry_figures.median_first_response_business_seconds,
    inquiry_figures.five_minute_hit_rate,
    obligation_figures.follow_up_24h_rate,
    coalesce(obligation_figures.follow_up_24h_judged, 0) as follow_up_24h_judged,
    obligation_figures.re_engagement_in_window_rate,
    coalesce(obligation_figures.re_engagement_judged, 0) as re_engagement_judged,
    inquiry_figures.dormant_count,
    inquiry_figures.visibility_failure_rate,
    inquiry_figures.context_failure_rate,
    inquiry_figures.priority_failure_rate,
    inquiry_figures.accountability_failure_rate,
    inquiry_figures.after_hours_share,
    inquiry_figures.after_hours_met_rate,
    inquiry_figures.business_hours_met_rate,
    inquiry_figures.breached_value_inr
  from inquiry_figures
  left join obligation_figures
    on obligation_figures.week_start = inquiry_figures.week_start
    and obligation_figures.triage_category = inquiry_figures.triage_category
    and obligation_figures.agent_id = inquiry_figures.agent_id
    and obligation_figures.is_all_categories = inquiry_figures.is_all_categories
    and obligation_figures.is_all_agents = inquiry_figures.is_all_agents
)

select * from final
