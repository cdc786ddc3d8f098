import { inquiryLines, kindLabel, lateness } from './inquiry-lines.ts';
import type { AlertSummary, NotificationPayload } from './notification-types.ts';

export interface NotificationContent {
  notificationId: string;
  supervisorAgentId: string | null;
  firing: AlertSummary[];
  resolved: AlertSummary[];
}

/**
 * The webhook body, its text in Slack mrkdwn: a headline, then one line per inquiry (contact,
 * kinds, how late, why, what to do, where to look), then the inquiries that resolved.
 */
export function renderNotification(content: NotificationContent): NotificationPayload {
  const firing = inquiryLines(content.firing);
  const resolved = inquiryLines(content.resolved);
  const lines = [`*${escape(headline(content.supervisorAgentId, firing.length, resolved.length))}*`];
  for (const line of firing) {
    const action = line.action ? ` Next: ${line.action}` : '';
    lines.push(
      `• *${escape(line.contact)}*: ${line.kinds.map(kindLabel).join(', ')}, ${lateness(line.secondsLate)}. ` +
        `${escape(line.reasons.join('; '))}${escape(action)} (${escape(line.link)})`,
    );
  }
  if (resolved.length > 0 && firing.length > 0) lines.push('*Resolved*');
  for (const line of resolved) lines.push(`• ${escape(line.contact)}: ${line.kinds.map(kindLabel).join(', ')} resolved`);
  return {
    notification_id: content.notificationId,
    supervisor_agent_id: content.supervisorAgentId,
    text: lines.join('\n'),
    firing: content.firing,
    resolved: content.resolved,
  };
}

/** "3 breaches for priya's team", "2 breaches, 1 resolved for …", counted in inquiries. */
export function headline(supervisorAgentId: string | null, firingInquiries: number, resolvedInquiries: number): string {
  const counts: string[] = [];
  if (firingInquiries > 0) counts.push(`${firingInquiries} ${firingInquiries === 1 ? 'breach' : 'breaches'}`);
  if (resolvedInquiries > 0) counts.push(`${resolvedInquiries} resolved`);
  const who = supervisorAgentId === null ? 'with no supervisor' : `for ${supervisorAgentId}'s team`;
  return `${counts.join(', ')} ${who}`;
}

/** Slack's three control characters; contact names come from WhatsApp profiles. */
function escape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
