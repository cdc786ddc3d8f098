import { secondsLate, type Alert } from '../alerts/alert.ts';
import type { AlertSummary } from './notification-types.ts';

/** What a notification says about one alert, at `now`. */
export function summarizeAlert(alert: Alert, now: number): AlertSummary {
  return {
    alert_id: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    inquiry_id: alert.inquiryId,
    contact: { id: alert.contact.id, name: alert.contact.name, wa_id: alert.contact.waId },
    seconds_late: secondsLate(alert, now),
    due_at: alert.dueAt,
    reason: alert.reason,
    action: alert.action,
    link: alert.links.context,
  };
}
