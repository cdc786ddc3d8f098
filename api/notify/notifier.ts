import { randomUUID } from 'node:crypto';
import type { Alert } from '../alerts/alert.ts';
import type { Config } from '../../lib/config.ts';
import { openJournal } from '../state/journal.ts';
import { createAlertTracker, type DueGroup } from './alert-tracker.ts';
import { createDeliveryQueue, type Delivery } from './delivery-queue.ts';
import { checkTimezone, isMuted } from './is-muted.ts';
import type { Channel, DeliveryLogEntry, NotificationEvent } from './notification-types.ts';
import { postJson, type PostOutcome } from './post-json.ts';
import { renderNotification } from './render-notification.ts';
import { isRouted, routeSupervisor } from './route-supervisor.ts';
import { whatsappMessage } from './whatsapp-message.ts';

export type { AlertSummary, DeliveryLogEntry, NotificationPayload } from './notification-types.ts';

export interface NotifierOptions {
  config: Config['notifications'];
  muteWindows: Config['alerts']['muteWindows'];
  /** The business's IANA time zone, which mute windows are read in. */
  timezone: string;
  journalPath: string;
  now: () => Date;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Backoff base in ms (default 1000): retry n waits base × 2^(n−1), at most five minutes. */
  retryBaseMs?: number;
}

export interface Notifier {
  /** After each evaluation: every current alert (all statuses). Alerts missing from the list have resolved. */
  update(alerts: Alert[]): void;
  /** Sends what is due now; resolves when the attempts it started have finished (≤ 10 s each). Never throws. */
  flush(): Promise<void>;
  /** Recent delivery attempts, newest first (GET /api/notifications). */
  deliveries(limit: number): DeliveryLogEntry[];
  /** Waits for attempts under way, then closes the journal. */
  close(): Promise<void>;
}

/**
 * Tells supervisors about breaches, Alertmanager-style: grouped per supervisor, repeated while
 * unacknowledged, a resolved notice once, retried with backoff, journaled so a restart neither
 * repeats nor loses a notification.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  checkTimezone(options.timezone);
  const { config, log } = options;
  const now = (): number => options.now().getTime();
  const journal = openJournal<NotificationEvent>(options.journalPath);
  const tracker = createAlertTracker({
    groupWaitMs: config.groupWaitSeconds * 1000,
    repeatMs: config.repeatIntervalSeconds * 1000,
    isRouted: (supervisorAgentId) => isRouted(routeSupervisor(config, supervisorAgentId)),
  });
  const queue = createDeliveryQueue({
    now,
    maxAttempts: config.maxAttempts,
    retryBaseMs: options.retryBaseMs ?? 1000,
    send,
    record: (entry) => journal.append({ type: 'attempt', ...entry }),
    log,
  });
  let closed = false;
  let mutedBy: string | null = null;

  for (const event of journal.replay()) {
    if (event.type === 'attempt') queue.apply(event);
    else enqueue(event);
  }

  function enqueue(event: Extract<NotificationEvent, { type: 'notification' }>): void {
    const { notification } = event;
    const at = Date.parse(event.at);
    tracker.notified(notification, at);
    const alertIds = [...notification.firing, ...notification.resolved].map((summary) => summary.alert_id);
    for (const channel of event.channels) {
      const body = channel === 'webhook' ? notification : event.whatsapp_message;
      const supervisorAgentId = notification.supervisor_agent_id;
      queue.add({ notificationId: notification.notification_id, channel, supervisorAgentId, alertIds, body, nextAttemptAt: at });
    }
  }

  /** Journals the group's notification before its first attempt, so a crash resumes it under the same id. */
  function notify(group: DueGroup, at: number): void {
    const notification = renderNotification({ notificationId: randomUUID(), ...group });
    const route = routeSupervisor(config, group.supervisorAgentId);
    const channels: Channel[] = route.webhookUrl ? ['webhook'] : [];
    // A phone buzzes for breaches only; resolved notices go to the webhook alone.
    const whatsapp = config.whatsapp && route.whatsappTo && group.firing.length > 0 ? whatsappMessage(config.whatsapp, route.whatsappTo, notification) : undefined;
    if (whatsapp) channels.push('whatsapp');
    const event: NotificationEvent = { type: 'notification', at: new Date(at).toISOString(), notification, channels, ...(whatsapp && { whatsapp_message: whatsapp }) };
    journal.append(event);
    enqueue(event);
  }

  /** Looks the destination up at each attempt: URLs and the token stay out of the journal. */
  async function send(delivery: Delivery): Promise<PostOutcome> {
    const idempotency = { 'Idempotency-Key': delivery.notificationId };
    const route = routeSupervisor(config, delivery.supervisorAgentId);
    if (delivery.channel === 'webhook') {
      if (!route.webhookUrl) return { ok: false, retryable: false, error: 'no webhook URL for this supervisor in the configuration' };
      return postJson(route.webhookUrl, delivery.body, idempotency);
    }
    const whatsapp = config.whatsapp;
    if (!whatsapp) return { ok: false, retryable: false, error: 'WhatsApp notifications are no longer configured' };
    const url = `${whatsapp.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(whatsapp.phoneNumberId)}/messages`;
    return postJson(url, delivery.body, { ...idempotency, Authorization: `Bearer ${whatsapp.accessToken}` });
  }

  function noteMute(at: number): string | null {
    const window = isMuted(options.muteWindows, options.timezone, new Date(at));
    if (window !== mutedBy) log('info', window ? `notifications muted by window "${window}"` : `mute window "${mutedBy}" ended; notifications resume`);
    mutedBy = window;
    return window;
  }

  return {
    update(alerts) {
      if (closed) return;
      try {
        tracker.update(alerts, now());
      } catch (error) {
        log('error', `notifier: could not take the alerts: ${(error as Error).message}`);
      }
    },
    async flush() {
      if (closed) return;
      try {
        const at = now();
        // Muted groups keep waiting, and go out when the window ends if their alerts still fire.
        if (!noteMute(at)) for (const group of tracker.dueGroups(at)) notify(group, at);
        await queue.attemptDue();
      } catch (error) {
        log('error', `notifier: ${(error as Error).message}`);
      }
    },
    deliveries: (limit) => queue.recent(limit),
    async close() {
      closed = true;
      await queue.idle();
      journal.close();
    },
  };
}
