import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../../api/notify/notifier.ts';
import type { Config } from '../../../lib/config.ts';
import { startFakeReceiver, type FakeReceiver } from './fake-receiver.ts';
import { makeAlert } from './make-alert.ts';
import { startNotifier, type Harness } from './notifier-harness.ts';

let receiver: FakeReceiver;
let harness: Harness;
afterEach(async () => {
  await harness?.notifier.close();
  await receiver?.close();
});

async function start(muteWindows: Config['alerts']['muteWindows'], startAt: string): Promise<void> {
  receiver = await startFakeReceiver();
  harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url } }, muteWindows, startAt });
}

describe('mute windows, read in Asia/Kolkata', () => {
  // Friday evening to Saturday 10:00 India time; at 23:30 India it is 18:00 UTC, outside 19:00–10:00 there.
  const overnight = [{ name: 'night', days: ['fri' as const], start: '19:00', end: '10:00' }];

  it('holds notifications through a window that wraps past midnight, and sends them when it ends', async () => {
    await start(overnight, '2026-11-27T23:30:00+05:30');
    const alert = makeAlert();
    harness.notifier.update([alert]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(0);

    // Saturday morning is still Friday's window.
    harness.setNow('2026-11-28T09:59:00+05:30');
    harness.notifier.update([alert]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(0);

    harness.setNow('2026-11-28T10:00:00+05:30');
    harness.notifier.update([alert]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.body.firing[0].alert_id).toBe(alert.id);
    expect(harness.logs.map((entry) => entry.message)).toContain('mute window "night" ended; notifications resume');
  });

  it('does not mute the evening of a day the window does not name', async () => {
    await start(overnight, '2026-11-26T23:30:00+05:30'); // Thursday
    harness.notifier.update([makeAlert()]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(1);
  });

  it('mutes a daytime window on its days only, end exclusive', async () => {
    const lunch = [{ name: 'lunch', days: ['mon' as const, 'tue' as const, 'wed' as const, 'thu' as const, 'fri' as const], start: '13:00', end: '14:00' }];
    await start(lunch, '2026-11-27T13:30:00+05:30'); // Friday
    const alert = makeAlert();
    harness.notifier.update([alert]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(0);
    harness.setNow('2026-11-27T14:00:00+05:30');
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(1);

    await harness.notifier.close();
    await receiver.close();
    await start(lunch, '2026-11-28T13:30:00+05:30'); // Saturday
    harness.notifier.update([makeAlert()]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(1);
  });

  it('refuses, at start, a time zone that is not an IANA name', () => {
    const start = (): unknown =>
      createNotifier({
        config: { webhookUrls: {}, groupWaitSeconds: 0, repeatIntervalSeconds: 3600, maxAttempts: 3 },
        muteWindows: [],
        timezone: 'India/Mumbai',
        journalPath: '/nonexistent/never-opened.ndjson',
        now: () => new Date(),
        log: () => {},
      });
    expect(start).toThrow('time zone "India/Mumbai" is not an IANA zone name, e.g. Asia/Kolkata');
  });
});
