import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../api/alerts/alert.ts';
import { startFakeReceiver, type FakeReceiver } from './fake-receiver.ts';
import { makeAlert } from './make-alert.ts';
import { startNotifier, type Harness } from './notifier-harness.ts';

let receiver: FakeReceiver;
let harness: Harness;
afterEach(async () => {
  await harness?.notifier.close();
  await receiver?.close();
});

async function start(): Promise<void> {
  receiver = await startFakeReceiver();
  harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url }, repeatIntervalSeconds: 3600 } });
}

/** One evaluation: the current alerts, then a flush, as the alert engine does. */
async function evaluate(alerts: Alert[]): Promise<void> {
  harness.notifier.update(alerts);
  await harness.notifier.flush();
}

const firingIds = (index: number): string[] => receiver.requests[index]!.body.firing.map((alert: { alert_id: string }) => alert.alert_id);
const resolvedIds = (index: number): string[] => receiver.requests[index]!.body.resolved.map((alert: { alert_id: string }) => alert.alert_id);

describe('repeats and resolved notices', () => {
  it('repeats an unacknowledged alert once the repeat interval has passed, not before', async () => {
    await start();
    const alert = makeAlert();
    await evaluate([alert]);
    harness.advance(3599);
    await evaluate([alert]);
    expect(receiver.requests).toHaveLength(1);

    harness.advance(1);
    await evaluate([alert]);
    expect(receiver.requests).toHaveLength(2);
    expect(firingIds(1)).toEqual([alert.id]);
    expect(receiver.requests[1]!.body.notification_id).not.toBe(receiver.requests[0]!.body.notification_id);
  });

  it('stops repeating once acknowledged, and tells of the resolution only when it resolves', async () => {
    await start();
    const alert = makeAlert();
    await evaluate([alert]);
    const acknowledged = { ...alert, status: 'acknowledged' as const, acknowledgedBy: 'priya', acknowledgedAt: '2026-11-27T06:35:00Z' };
    for (let hour = 0; hour < 3; hour += 1) {
      harness.advance(3600);
      await evaluate([acknowledged]);
    }
    expect(receiver.requests).toHaveLength(1);

    harness.advance(60);
    await evaluate([]);
    expect(receiver.requests).toHaveLength(2);
    expect(firingIds(1)).toEqual([]);
    expect(resolvedIds(1)).toEqual([alert.id]);
  });

  it('sends a resolved notice once, grouped with what else is due', async () => {
    await start();
    const [resolving, staying] = [makeAlert(), makeAlert()];
    await evaluate([resolving!, staying!]);
    harness.advance(60);
    const newcomer = makeAlert();
    await evaluate([staying!, newcomer]);
    expect(receiver.requests).toHaveLength(2);
    expect(firingIds(1)).toEqual([newcomer.id]);
    expect(resolvedIds(1)).toEqual([resolving!.id]);
    expect(receiver.requests[1]!.body.text).toMatch(/^\*1 breach, 1 resolved for priya's team\*/);

    harness.advance(60);
    await evaluate([staying!, newcomer]);
    await evaluate([staying!, newcomer]);
    expect(receiver.requests).toHaveLength(2);
  });

  it('sends no resolved notice for an alert that resolved before it was ever notified', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url }, groupWaitSeconds: 30 } });
    await evaluate([makeAlert()]);
    harness.advance(10);
    await evaluate([]);
    harness.advance(60);
    await evaluate([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('notifies no one of snoozed, silenced or at-risk alerts, only of the firing breach', async () => {
    await start();
    const breach = makeAlert();
    await evaluate([
      makeAlert({ status: 'snoozed', snoozedUntil: '2026-11-27T08:00:00Z' }),
      makeAlert({ status: 'silenced', silencedBy: 'priya' }),
      makeAlert({ kind: 'first_response_at_risk', severity: 'warning', dueAt: '2026-11-27T06:35:00Z' }),
      breach,
    ]);
    expect(receiver.requests).toHaveLength(1);
    expect(firingIds(0)).toEqual([breach.id]);
  });

  it('notifies a snoozed alert that fires again once its snooze ends', async () => {
    await start();
    const alert = makeAlert({ status: 'snoozed', snoozedUntil: '2026-11-27T07:00:00Z' });
    await evaluate([alert]);
    harness.advance(600);
    await evaluate([{ ...alert, status: 'firing', snoozedUntil: null }]);
    expect(receiver.requests).toHaveLength(1);
    expect(firingIds(0)).toEqual([alert.id]);
  });
});
