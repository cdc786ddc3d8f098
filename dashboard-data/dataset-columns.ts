import type { DatasetName } from './datasets.ts';

/**
 * The columns the pages read from each dataset. Every loader checks them, so a warehouse from
 * another version (a mart that lost or renamed a column) fails the dashboard build naming the
 * dataset and the column, instead of publishing a page that draws nothing.
 */
export const DATASET_COLUMNS: Record<DatasetName, readonly string[]> = {
  'build': ['as_of', 'built_at', 'business_timezone'],
  'weekly-health': [
    'week_start', 'triage_category', 'agent_id', 'inquiry_count', 'judged_count', 'met_count', 'met_rate',
    'median_first_response_seconds', 'five_minute_hit_rate', 'follow_up_24h_rate', 're_engagement_in_window_rate', 'dormant_count',
    'after_hours_share', 'after_hours_met_rate', 'business_hours_met_rate', 'breached_value_inr',
  ],
  'response-steps': ['week_start', 'triage_category', 'step_seconds', 'step_label', 'target_seconds', 'inquiry_count', 'answered_share'],
  'hour-of-week': ['weekday', 'weekday_name', 'hour', 'inbound_message_count', 'inquiry_count', 'judged_count', 'missed_count', 'miss_rate'],
  'failure-examples': [
    'inquiry_id', 'contact_name', 'triage_category', 'opened_at', 'owner_agent_id', 'first_response_seconds', 'target_seconds', 'deal_value_inr',
    'visibility_failure_reason', 'context_failure_reason', 'priority_failure_reason', 'accountability_failure_reason',
  ],
  'priority-inversions': [
    'responded_at', 'responder_agent_id', 'responder_name', 'team', 'answered_inquiry_id', 'answered_category', 'answered_contact_name',
    'skipped_inquiry_id', 'skipped_category', 'skipped_contact_name', 'skipped_waiting_seconds', 'skipped_deal_value_inr', 'higher_priority_waiting_count',
  ],
  'team-weekly': [
    'week_start', 'agent_id', 'agent_name', 'team', 'role', 'owned_count', 'first_response_count', 'median_first_response_seconds',
    'met_count', 'judged_count', 'met_rate', 'below_required_level_count', 'returning_answered_count', 'continuity_kept_count',
    'escalation_count', 'escalation_handled_count', 'closed_count', 'disposition_recorded_count', 'accountability_failure_count',
    'handoffs_given_count', 'handoffs_with_note_count', 'handoffs_received_count', 'handoffs_acknowledged_count',
  ],
  'first-responses': ['inquiry_id', 'agent_id', 'agent_name', 'team', 'triage_category', 'first_response_seconds', 'is_first_response_met', 'week_start'],
  'next-actions': [
    'inquiry_id', 'contact_wa_id', 'contact_name', 'triage_category', 'priority_rank', 'action', 'assignee_agent_id', 'assignee_name',
    'assignee_team', 'owner_agent_id', 'due_at', 'requires_template', 'deal_value_inr', 'reason',
  ],
  'agents': ['agent_id', 'agent_name', 'role', 'team'],
  'data-health': ['kind', 'record_count', 'last_landed_at', 'last_event_at', 'seconds_since_last_event', 'quarantined_count', 'commonest_reason'],
  'data-quality': [
    'contact_count', 'crm_matched_count', 'crm_match_rate', 'closed_inquiry_count', 'closed_without_disposition_count',
    'open_unowned_count', 'quarantined_count',
  ],
};
