import type { Config } from '../../lib/config.ts';
import { inquiryLines, kindLabel, lateness } from './inquiry-lines.ts';
import type { NotificationPayload, WhatsAppMessage } from './notification-types.ts';
import { headline } from './render-notification.ts';

type WhatsAppSettings = NonNullable<Config['notifications']['whatsapp']>;

/** Cloud API limit on one template body parameter, in characters. */
const MAX_PARAMETER_CHARS = 1024;

/** The template message telling a supervisor the notification in one line. */
export function whatsappMessage(settings: WhatsAppSettings, to: string, notification: NotificationPayload): WhatsAppMessage {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: settings.templateName,
      language: { code: settings.languageCode },
      components: [{ type: 'body', parameters: [{ type: 'text', text: templateParameter(summaryOf(notification)) }] }],
    },
  };
}

function summaryOf(notification: NotificationPayload): string {
  const firing = inquiryLines(notification.firing);
  const resolved = inquiryLines(notification.resolved);
  const lines = firing.map((line) => `${line.contact} (${line.kinds.map(kindLabel).join(', ')}, ${lateness(line.secondsLate)})`);
  return `${headline(notification.supervisor_agent_id, firing.length, resolved.length)}: ${lines.join('; ')}`;
}

/**
 * The Cloud API rejects a body parameter with a newline, a tab or more than four spaces in a row,
 * or past 1024 characters: whitespace runs become one space, and a long text is cut with "…".
 */
export function templateParameter(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const characters = Array.from(flat);
  if (characters.length <= MAX_PARAMETER_CHARS) return flat;
  return `${characters.slice(0, MAX_PARAMETER_CHARS - 1).join('').trimEnd()}…`;
}
