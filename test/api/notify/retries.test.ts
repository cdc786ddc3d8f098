import { afterEach, describe, expect, it } from 'vitest';
import { startFakeReceiver, type FakeReceiver } from './fake-receiver.ts';
import { makeAlert } from './make-alert.ts';
import { startNotifier, type Harness } from './notifier-harness.ts';

let receiver: FakeReceiver;
let harness: Harness;
afterEach(async () => {
  await harness?.notifier.close();
  await receiver?.close();
});

describe('delivery retries', () => {
  it('retries a failing receiver with backoff and delivers once, logging each attempt', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url }, maxAttempts: 5 } });
    receiver.failNext(2, 503);
    const alert = makeAlert();
    harness.notifier.update([alert]);
    await harness.notifier.flush();
    // The backoff (10 ms here) has not passed on the pinned clock: no second attempt yet.
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(1);

    for (let attempt = 2; attempt <= 3; attempt += 1) {
      harness.advance(1);
      harness.notifier.update([alert]);
      await harness.notifier.flush();
    }
    harness.advance(1);
    await harness.notifier.flush();

    expect(receiver.requests.map((request) => request.status)).toEqual([503, 503, 200]);
    expect(new Set(receiver.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    expect(new Set(receiver.requests.map((request) => request.body.notification_id)).size).toBe(1);
    const log = harness.notifier.deliveries(10);
    expect(log.map((entry) => [entry.attempt, entry.status, entry.http_status])).toEqual([
      [3, 'delivered', 200],
      [2, 'retrying', 503],
      [1, 'retrying', 503],
    ]);
    expect(log[0]).toMatchObject({ channel: 'webhook', supervisor_agent_id: 'priya', alert_ids: [alert.id] });
    expect(harness.notifier.deliveries(1)).toHaveLength(1);
  });

  it('gives up after maxAttempts and logs the failure', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url }, maxAttempts: 3 } });
    receiver.failNext(100, 500);
    harness.notifier.update([makeAlert()]);
    for (let flush = 0; flush < 6; flush += 1) {
      await harness.notifier.flush();
      harness.advance(5);
    }
    expect(receiver.requests).toHaveLength(3);
    expect(harness.notifier.deliveries(10).map((entry) => entry.status)).toEqual(['failed', 'retrying', 'retrying']);
    expect(harness.logs.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual([
      expect.stringMatching(/\(webhook\) for priya: gave up after attempt 3 \(HTTP 500: \{"ok":false\}\)$/),
    ]);
  });

  it('counts an unreachable receiver as a failed attempt, without quoting its URL', async () => {
    receiver = await startFakeReceiver();
    const gone = `${receiver.url}/secret-path-T0001`;
    await receiver.close();
    harness = startNotifier({ notifications: { webhookUrls: { '*': gone }, maxAttempts: 2 } });
    harness.notifier.update([makeAlert()]);
    await harness.notifier.flush();
    harness.advance(5);
    await harness.notifier.flush();
    const log = harness.notifier.deliveries(10);
    expect(log.map((entry) => [entry.status, entry.error])).toEqual([
      ['failed', 'network error (ECONNREFUSED)'],
      ['retrying', 'network error (ECONNREFUSED)'],
    ]);
    expect(JSON.stringify(harness.logs)).not.toContain('secret-path');
  });
});
