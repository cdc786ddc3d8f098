import { join } from 'node:path';
import { createNotifier, type Notifier, type NotifierOptions } from '../../../api/notify/notifier.ts';
import type { Config } from '../../../lib/config.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

/** A Friday, noon in India. */
export const START = '2026-11-27T12:00:00+05:30';

export interface Harness {
  notifier: Notifier;
  journalPath: string;
  /** Moves the pinned clock forward. */
  advance(seconds: number): void;
  setNow(iso: string): void;
  logs: Array<{ level: string; message: string }>;
}

export interface HarnessOptions {
  notifications: Partial<Config['notifications']> & Pick<Config['notifications'], 'webhookUrls'>;
  muteWindows?: Config['alerts']['muteWindows'];
  journalPath?: string;
  startAt?: string;
}

/** A notifier on a pinned clock and a fresh journal: group wait 0, repeat hourly, 3 attempts, 10 ms backoff base. */
export function startNotifier(options: HarnessOptions): Harness {
  let now = new Date(options.startAt ?? START);
  const logs: Harness['logs'] = [];
  const journalPath = options.journalPath ?? join(tempDir('replywatch-notify-'), 'state', 'notifications.ndjson');
  const notifierOptions: NotifierOptions = {
    config: { groupWaitSeconds: 0, repeatIntervalSeconds: 3600, maxAttempts: 3, ...options.notifications },
    muteWindows: options.muteWindows ?? [],
    timezone: 'Asia/Kolkata',
    journalPath,
    now: () => now,
    log: (level, message) => logs.push({ level, message }),
    retryBaseMs: 10,
  };
  return {
    notifier: createNotifier(notifierOptions),
    journalPath,
    advance(seconds) {
      now = new Date(now.getTime() + seconds * 1000);
    },
    setNow(iso) {
      now = new Date(iso);
    },
    logs,
  };
}
