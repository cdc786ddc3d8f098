import type { AlertKind, Severity } from '../alerts/alert.ts';

/** One alert as a notification tells it: enough to render its line, and to say "resolved" after a restart. */
export interface AlertSummary {
  alert_id: string;
  kind: AlertKind;
  severity: Severity;
  inquiry_id: string;
  contact: { id: string; name: string | null; wa_id: string | null };
  /** As of the evaluation the notification was made from. */
  seconds_late: number;
  due_at: string;
  reason: string;
  action: string | null;
  /** The API path of the inquiry's context (alert.links.context). */
  link: string;
}

/** The outbound webhook body; also what the journal keeps of a notification. */
export interface NotificationPayload {
  notification_id: string;
  supervisor_agent_id: string | null;
  /** Slack-compatible mrkdwn. */
  text: string;
  firing: AlertSummary[];
  resolved: AlertSummary[];
}

export type Channel = 'webhook' | 'whatsapp';

/** One delivery attempt, as GET /api/notifications lists it. */
export interface DeliveryLogEntry {
  notification_id: string;
  channel: Channel;
  supervisor_agent_id: string | null;
  alert_ids: string[];
  attempt: number;
  status: 'delivered' | 'retrying' | 'failed';
  http_status?: number;
  error?: string;
  at: string;
}

/** A Cloud API template message (POST /{phone-number-id}/messages). */
export interface WhatsAppMessage {
  messaging_product: 'whatsapp';
  recipient_type: 'individual';
  to: string;
  type: 'template';
  template: {
    name: string;
    language: { code: string };
    components: Array<{ type: 'body'; parameters: Array<{ type: 'text'; text: string }> }>;
  };
}

/**
 * The notification journal: each notification before its first attempt (so a crash resumes it
 * under the same id), then each attempt's outcome. Holds no URLs or tokens: webhook URLs can be
 * secrets (Slack's are), so they are looked up in the config at each attempt.
 */
export type NotificationEvent =
  | { type: 'notification'; at: string; notification: NotificationPayload; channels: Channel[]; whatsapp_message?: WhatsAppMessage }
  | ({ type: 'attempt' } & DeliveryLogEntry);
