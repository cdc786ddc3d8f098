import type { Alert } from '../alerts/alert.ts';
import type { AlertSummary } from './notification-types.ts';

/** What a notification says about one alert. */
export function summarizeAlert(alert: Alert): AlertSummary {
  return {
    alert_id: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    inquiry_id: alert.inquiryId,
    contact: { id: alert.contact.id, name: alert.contact.name, wa_id: alert.contact.waId },
    seconds_late: alert.secondsLate,
    due_at: alert.dueAt,
    reason: alert.reason,
    action: alert.action,
    link: alert.links.context,
  };
}
