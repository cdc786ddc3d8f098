import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir.ts';
import { startFakeReceiver, type FakeReceiver } from './fake-receiver.ts';
import { makeAlert } from './make-alert.ts';
import { startNotifier, type Harness } from './notifier-harness.ts';

let receiver: FakeReceiver;
let harness: Harness;
afterEach(async () => {
  await harness?.notifier.close();
  await receiver?.close();
});

describe('a restarted notifier', () => {
  it('sends nothing new for alerts it already notified, until the repeat interval', async () => {
    receiver = await startFakeReceiver();
    const alerts = [makeAlert(), makeAlert({ supervisorAgentId: 'arjun' })];
    const first = startNotifier({ notifications: { webhookUrls: { '*': receiver.url } } });
    first.notifier.update(alerts);
    await first.notifier.flush();
    await first.notifier.close();
    expect(receiver.requests).toHaveLength(2);

    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url } }, journalPath: first.journalPath });
    harness.advance(600);
    harness.notifier.update(alerts);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(2);
    expect(harness.notifier.deliveries(10).map((entry) => entry.status)).toEqual(['delivered', 'delivered']);

    harness.advance(3000);
    harness.notifier.update(alerts);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(4);
  });

  it('sends the resolved notice for an alert that resolved while it was down, once', async () => {
    receiver = await startFakeReceiver();
    const [resolved, staying] = [makeAlert(), makeAlert()];
    const first = startNotifier({ notifications: { webhookUrls: { '*': receiver.url } } });
    first.notifier.update([resolved!, staying!]);
    await first.notifier.flush();
    await first.notifier.close();

    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url } }, journalPath: first.journalPath });
    harness.advance(60);
    harness.notifier.update([staying!]);
    await harness.notifier.flush();
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.body.resolved.map((alert: { alert_id: string }) => alert.alert_id)).toEqual([resolved!.id]);
    expect(receiver.requests[1]!.body.firing).toEqual([]);
  });

  it('resumes a delivery that was in flight when the process was killed, under the same notification_id', async () => {
    receiver = await startFakeReceiver();
    receiver.holdNext();
    const journalPath = join(tempDir('replywatch-notify-'), 'state', 'notifications.ndjson');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-child.ts'), journalPath, receiver.url], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await receiver.waitForRequests(1);
    child.kill('SIGKILL');
    await exited;
    const inFlight = receiver.requests[0]!;
    expect(inFlight.status).toBe(0);

    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url } }, journalPath });
    await harness.notifier.flush();
    expect(receiver.accepted()).toHaveLength(1);
    const resumed = receiver.accepted()[0]!;
    expect(resumed.headers['idempotency-key']).toBe(inFlight.headers['idempotency-key']);
    expect(resumed.body).toEqual(inFlight.body);
    expect(harness.notifier.deliveries(10)).toMatchObject([{ notification_id: inFlight.body.notification_id, attempt: 1, status: 'delivered' }]);

    // Delivered now, and the alert counts as notified: the same evaluation again sends nothing.
    harness.notifier.update([makeAlert({ id: 'alert-in-flight' })]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(2);
    expect(readFileSync(journalPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line).type)).toEqual(['notification', 'attempt']);
  });
});
