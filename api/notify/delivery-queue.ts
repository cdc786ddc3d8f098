import type { Channel, DeliveryLogEntry } from './notification-types.ts';
import type { PostOutcome } from './post-json.ts';

/** One notification on one channel, until it is delivered or given up. */
export interface Delivery {
  notificationId: string;
  channel: Channel;
  supervisorAgentId: string | null;
  alertIds: string[];
  body: unknown;
  /** Attempts made so far, including those before a restart. */
  attempts: number;
  nextAttemptAt: number;
}

export interface DeliveryQueueOptions {
  now: () => number;
  maxAttempts: number;
  retryBaseMs: number;
  send: (delivery: Delivery) => Promise<PostOutcome>;
  /** Makes an attempt's outcome durable (the journal). */
  record: (entry: DeliveryLogEntry) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface DeliveryQueue {
  add(delivery: Omit<Delivery, 'attempts'>): void;
  /** Applies an attempt's outcome: a live one, or one replayed from the journal. */
  apply(entry: DeliveryLogEntry): void;
  /** Makes every attempt that is due and not already under way; resolves when they have finished. */
  attemptDue(): Promise<void>;
  recent(limit: number): DeliveryLogEntry[];
  /** Resolves when no attempt is under way. */
  idle(): Promise<void>;
}

const MAX_BACKOFF_MS = 5 * 60_000;
/** Attempts kept for GET /api/notifications. */
const RECENT_LIMIT = 1000;

export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const pending = new Map<string, Delivery>();
  const underWay = new Map<string, Promise<void>>();
  const recent: DeliveryLogEntry[] = [];

  function apply(entry: DeliveryLogEntry): void {
    recent.push(entry);
    if (recent.length > RECENT_LIMIT) recent.splice(0, recent.length - RECENT_LIMIT);
    const key = keyOf(entry.notification_id, entry.channel);
    const delivery = pending.get(key);
    if (!delivery) return;
    delivery.attempts = entry.attempt;
    if (entry.status === 'retrying') delivery.nextAttemptAt = Date.parse(entry.at) + retryDelayMs(entry.attempt, options.retryBaseMs);
    else pending.delete(key);
  }

  async function attempt(delivery: Delivery): Promise<void> {
    const number = delivery.attempts + 1;
    const outcome = await options.send(delivery).catch((error: unknown): PostOutcome => ({ ok: false, error: String(error) }));
    const final = outcome.ok || outcome.retryable === false || number >= options.maxAttempts;
    const entry: DeliveryLogEntry = {
      notification_id: delivery.notificationId,
      channel: delivery.channel,
      supervisor_agent_id: delivery.supervisorAgentId,
      alert_ids: delivery.alertIds,
      attempt: number,
      status: outcome.ok ? 'delivered' : final ? 'failed' : 'retrying',
      ...(outcome.httpStatus !== undefined && { http_status: outcome.httpStatus }),
      ...(outcome.error !== undefined && { error: outcome.error }),
      at: new Date(options.now()).toISOString(),
    };
    try {
      options.record(entry);
    } catch (error) {
      // Kept in memory all the same; a restart would only repeat this attempt under the same id.
      options.log('error', `notification ${delivery.notificationId}: could not journal attempt ${number}: ${(error as Error).message}`);
    }
    apply(entry);
    const where = `notification ${delivery.notificationId} (${delivery.channel}) for ${delivery.supervisorAgentId ?? 'no supervisor'}`;
    if (entry.status === 'delivered') options.log('info', `${where} delivered on attempt ${number}`);
    else if (entry.status === 'retrying') options.log('warn', `${where}: attempt ${number} of ${options.maxAttempts} failed (${entry.error}); will retry`);
    else options.log('error', `${where}: gave up after attempt ${number} (${entry.error})`);
  }

  return {
    add(delivery) {
      pending.set(keyOf(delivery.notificationId, delivery.channel), { ...delivery, attempts: 0 });
    },
    apply,
    async attemptDue() {
      const now = options.now();
      const started: Array<Promise<void>> = [];
      for (const [key, delivery] of pending) {
        // A retry is never more than the longest backoff away: further means the clock went back
        // (NTP, a restored VM), and the delivery would wait for the clock to catch up.
        if (delivery.nextAttemptAt > now + MAX_BACKOFF_MS * 1.1) delivery.nextAttemptAt = now;
        if (underWay.has(key) || delivery.nextAttemptAt > now) continue;
        const running = attempt(delivery).finally(() => underWay.delete(key));
        underWay.set(key, running);
        started.push(running);
      }
      await Promise.all(started);
    },
    recent: (limit) => (limit > 0 ? recent.slice(-limit).reverse() : []),
    async idle() {
      await Promise.all(underWay.values());
    },
  };
}

/** retryBase × 2^(attempt−1), at most five minutes, plus up to 10% so retries of many notifications spread out. */
export function retryDelayMs(attempt: number, retryBaseMs: number): number {
  const delay = Math.min(retryBaseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
  return delay + Math.random() * delay * 0.1;
}

function keyOf(notificationId: string, channel: Channel): string {
  return `${notificationId}\u0000${channel}`;
}
