/** The kinds of alert, each a condition on the models' clocks (see rpt_alert_clocks). */
export const ALERT_KINDS = [
  'first_response_at_risk',
  'first_response_breach',
  'next_response_breach',
  'follow_up_overdue',
  're_engagement_due',
  'next_action_overdue',
  'handoff_unacknowledged',
  'escalation_unhandled',
  'unassigned_waiting',
  'missing_disposition',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** firing → acknowledged → resolved; snoozed and silenced alerts fire but notify no one. */
export type AlertStatus = 'firing' | 'acknowledged' | 'snoozed' | 'silenced';

export interface Alert {
  /** Stable: the same condition on the same obligation has the same id across rebuilds. */
  id: string;
  kind: AlertKind;
  severity: Severity;
  status: AlertStatus;
  inquiryId: string;
  obligationId: string | null;
  triageCategory: string;
  contact: { id: string; waId: string | null; name: string | null };
  ownerAgentId: string | null;
  assigneeAgentId: string | null;
  team: string | null;
  /** Who gets notified: the owner's (else the assignee's) supervisor, else the business owner. */
  supervisorAgentId: string | null;
  firesAt: string;
  dueAt: string;
  dealValueInr: number | null;
  /** The recommended action from the queue (rpt_next_actions). */
  action: string | null;
  reason: string;
  requiresTemplate: boolean;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  snoozedUntil: string | null;
  silencedBy: string | null;
  links: { context: string; queue: string };
}

/** What changed, for the stream and the notifier. */
export interface AlertChange {
  type: 'fired' | 'resolved' | 'acknowledged' | 'snoozed' | 'silenced' | 'updated';
  at: string;
  alert: Alert;
}

/** Kinds that notify supervisors: breaches, not early warnings. */
export function isBreach(kind: AlertKind): boolean {
  return kind !== 'first_response_at_risk';
}

/**
 * Seconds past due at `at` (negative while at risk). Computed when an alert is shown, not stored:
 * an evaluation is reused until a threshold is crossed, and only the lateness moves meanwhile.
 */
export function secondsLate(alert: Pick<Alert, 'dueAt'>, at: Date | number): number {
  return Math.floor((Number(at) - Date.parse(alert.dueAt)) / 1000);
}
