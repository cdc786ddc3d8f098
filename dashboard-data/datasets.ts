/**
 * What each dashboard page loads: one read-only query of the marts per dataset. The metrics are
 * the marts'; these only choose rows and columns (and join names for display). Each dataset is
 * written by a data loader in dashboards/data/<name>.arrows.ts (.arrows: an Arrow IPC stream).
 */
export const DATASETS = {
  'build': `select as_of, built_at, business_timezone from meta_build`,
  'weekly-health': `
    select * from agg_response_health_weekly
    where week_start >= (select max(week_start) from agg_response_health_weekly) - 7 * 8`,
  'response-steps': `
    select * from agg_first_response_steps
    where week_start >= (select max(week_start) from agg_first_response_steps) - 7 * 8`,
  'hour-of-week': `select * from agg_hour_of_week order by weekday, hour`,
  'failure-examples': `
    select inquiry_id, contact_name, triage_category, opened_at, owner_agent_id, first_response_seconds, target_seconds,
      deal_value_inr, visibility_failure_reason, context_failure_reason, priority_failure_reason, accountability_failure_reason
    from fct_inquiries
    where not is_history
      and (has_visibility_failure or has_context_failure or has_priority_failure or has_accountability_failure)
      and opened_at >= (select as_of from meta_build) - interval 28 days
    order by coalesce(deal_value_inr, 0) desc, opened_at desc
    limit 300`,
  'priority-inversions': `
    select inversions.*, answered.contact_name as answered_contact_name, skipped.contact_name as skipped_contact_name,
      responders.agent_name as responder_name
    from fct_priority_inversions as inversions
    left join fct_inquiries as answered on answered.inquiry_id = inversions.answered_inquiry_id
    left join fct_inquiries as skipped on skipped.inquiry_id = inversions.skipped_inquiry_id
    left join dim_agents as responders on responders.agent_id = inversions.responder_agent_id
    where inversions.responded_at >= (select as_of from meta_build) - interval 28 days
    order by coalesce(inversions.skipped_deal_value_inr, 0) desc, inversions.responded_at desc
    limit 200`,
  'team-weekly': `
    select * from agg_agent_weekly
    where week_start >= (select max(week_start) from agg_agent_weekly) - 7 * 8`,
  'first-responses': `
    select inquiries.inquiry_id, inquiries.first_response_agent_id as agent_id, agents.agent_name, agents.team,
      inquiries.triage_category, inquiries.first_response_seconds, inquiries.is_first_response_met,
      cast(date_trunc('week', timezone((select business_timezone from meta_build), inquiries.opened_at)) as date) as week_start
    from fct_inquiries as inquiries
    left join dim_agents as agents on agents.agent_id = inquiries.first_response_agent_id
    where not inquiries.is_history and inquiries.first_response_agent_id is not null
      and inquiries.opened_at >= (select as_of from meta_build) - interval 56 days
    -- A page must stay small at any volume: at most 400 inquiries per person, a fixed pseudo-random sample.
    qualify row_number() over (partition by inquiries.first_response_agent_id order by hash(inquiries.inquiry_id)) <= 400`,
  'next-actions': `
    select next_actions.*, assignees.agent_name as assignee_name, assignees.team as assignee_team
    from rpt_next_actions as next_actions
    left join dim_agents as assignees on assignees.agent_id = next_actions.assignee_agent_id
    -- The top of the queue is what a page can act on; the API serves all of it.
    where priority_rank <= 2000
    order by priority_rank`,
  'agents': `select agent_id, agent_name, role, team, supervisor_id, is_active from dim_agents where agent_id <> 'business_app'`,
  'data-health': `select * from rpt_data_health order by kind`,
  'data-quality': `select * from rpt_data_quality`,
} as const;

export type DatasetName = keyof typeof DATASETS;
