import { afterEach, describe, expect, it } from 'vitest';
import { startFakeReceiver, type FakeReceiver } from '../api/notify/fake-receiver.ts';
import { makeAlert } from '../api/notify/make-alert.ts';
import { START, startNotifier, type Harness } from '../api/notify/notifier-harness.ts';

const HOUR = 3600;
let receiver: FakeReceiver;
let harness: Harness;
afterEach(async () => {
  await harness?.notifier.close();
  await receiver?.close();
});

/** A few evaluation ticks at the current clock, as the server's timer makes them. */
async function ticks(alerts: ReturnType<typeof makeAlert>[], count = 3): Promise<void> {
  for (let tick = 0; tick < count; tick += 1) {
    harness.notifier.update(alerts);
    await harness.notifier.flush();
    harness.advance(1);
  }
}

/**
 * The clock supervisor notifications run on can jump: NTP corrects a drifting server, a VM is
 * restored from a snapshot, a demo is restarted with another REPLYWATCH_NOW while the journal
 * keeps its times. A jump must neither hold a notification back until the clock catches up nor
 * send a flood.
 */
describe('supervisor notifications when the clock jumps', () => {
  it('a retry due before the clock went back an hour goes out at once when the receiver answers, not an hour later', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url }, maxAttempts: 5 } });
    const alert = makeAlert();
    receiver.failNext(1, 503);
    await ticks([alert], 1);
    expect(receiver.requests.map((request) => request.status)).toEqual([503]);
    harness.setNow(new Date(Date.parse(START) - HOUR * 1000).toISOString());
    await ticks([alert]);
    expect(receiver.accepted()).toHaveLength(1);
    expect(new Set(receiver.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
  });

  it('an alert waiting out its group wait when the clock went back an hour is told after the group wait, not an hour later', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url }, groupWaitSeconds: 30 } });
    const alert = makeAlert();
    await ticks([alert], 1);
    harness.setNow(new Date(Date.parse(START) - HOUR * 1000).toISOString());
    await ticks([alert], 1);
    expect(receiver.requests).toHaveLength(0);
    harness.advance(31);
    await ticks([alert], 1);
    expect(receiver.accepted()).toHaveLength(1);
  });

  it('a clock a day ahead sends one repeat per unacknowledged alert, not one per missed interval', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url }, repeatIntervalSeconds: HOUR } });
    const alerts = [makeAlert(), makeAlert({ supervisorAgentId: 'arjun' })];
    await ticks(alerts, 1);
    expect(receiver.accepted()).toHaveLength(2);
    harness.advance(24 * HOUR);
    await ticks(alerts, 5);
    // One repeat for each supervisor's group, then quiet until the next interval.
    expect(receiver.accepted()).toHaveLength(4);
    expect(new Set(receiver.accepted().map((request) => request.body.notification_id)).size).toBe(4);
  });

  it('a clock back a day after a notification repeats it an interval after the jump, not a day and an interval later', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url }, repeatIntervalSeconds: HOUR } });
    const alert = makeAlert();
    await ticks([alert], 1);
    harness.setNow(new Date(Date.parse(START) - 24 * HOUR * 1000).toISOString());
    await ticks([alert], 1);
    expect(receiver.accepted()).toHaveLength(1);
    harness.advance(HOUR + 5);
    await ticks([alert], 1);
    expect(receiver.accepted()).toHaveLength(2);
  });
});
