import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { startFakeReceiver } from './notify/fake-receiver.ts';
import { buildScenario, CONTACTS, OPENED_AT, outboundRecord, scenarioApp, testClock, type ScenarioApp } from './scenario/alert-scenario.ts';

const MINUTE = 60_000;

interface ServerSentEvent {
  event: string;
  data: any;
}

/** Reads Server-Sent Events off a real HTTP response as they arrive. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async function next(timeoutMs = 10_000): Promise<ServerSentEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) continue;
        const field = (name: string) => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
        return { event: field('event')!, data: JSON.parse(field('data')!) };
      }
      const chunk = await Promise.race([reader.read(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now())))]);
      if (chunk === 'timeout') throw new Error('no server-sent event in time');
      if (chunk.done) return undefined;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a live supervisor screen and supervisor notifications', () => {
  let built: DataPaths;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    built = await buildScenario();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function copy(): DataPaths {
    const paths = dataPaths(tempDir('replywatch-stream-'));
    cpSync(built.root, paths.root, { recursive: true });
    return paths;
  }

  async function running(paths: DataPaths, options: Parameters<typeof scenarioApp>[1]): Promise<ScenarioApp & { url: string }> {
    const api = await scenarioApp(paths, options);
    const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => api.app.close());
    return { ...api, url };
  }

  it('streams a snapshot of what the key may see, then each change as it happens', async () => {
    const paths = copy();
    const api = await running(paths, {});
    api.clock.set(OPENED_AT + 40 * MINUTE);
    const response = await fetch(`${api.url}/api/alerts/stream`, { headers: api.as.salesLead });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const next = eventReader(response.body!);

    const snapshot = await next();
    expect(snapshot!.event).toBe('snapshot');
    const alerts = snapshot!.data.alerts as Array<{ id: string; team: string; contact: { wa_id: string }; kind: string }>;
    expect(alerts.length).toBeGreaterThan(0);
    // Team sales only: Arjun (support) is not on this screen.
    expect(new Set(alerts.map((alert) => alert.team))).toEqual(new Set(['sales']));
    const meera = alerts.find((alert) => alert.contact.wa_id === CONTACTS.sales.waId)!;

    const ack = await fetch(`${api.url}/api/alerts/${meera.id}/ack`, { method: 'POST', headers: { ...api.as.salesLead, 'content-type': 'application/json' }, body: '{}' });
    expect(ack.status).toBe(200);
    expect(await next()).toMatchObject({ event: 'alert', data: { type: 'acknowledged', alert: { id: meera.id, status: 'acknowledged' } } });

    // Two hours on: Meera is answered; Arjun (support) breaches, which this screen never hears of.
    api.clock.set(OPENED_AT + 125 * MINUTE);
    const file = join(paths.root, 'reply.ndjson');
    writeFileSync(file, `${outboundRecord(CONTACTS.sales.waId, 'a_sales', OPENED_AT + 100 * MINUTE)}\n`);
    expect((await runCli(['--data', paths.root, 'ingest', 'outbound', file])).code).toBe(0);
    expect((await fetch(`${api.url}/api/alerts`, { headers: api.as.owner })).status).toBe(200);
    const seen: ServerSentEvent[] = [];
    while (!seen.some((event) => event.data.type === 'resolved')) seen.push((await next())!);
    expect(seen.filter((event) => event.data.type === 'resolved').map((event) => event.data.alert.id)).toEqual([meera.id]);
    expect(seen.every((event) => event.data.alert.team === 'sales')).toBe(true);

    // Shutting down ends the stream rather than hanging on it.
    await api.app.close();
    expect(await next()).toBeUndefined();
  });

  it('tells the supervisor about new breaches once, one line per inquiry, not again after a restart, and then that they resolved', async () => {
    const receiver = await startFakeReceiver();
    cleanups.push(() => receiver.close());
    const paths = copy();
    const clock = testClock(OPENED_AT + 40 * MINUTE);
    const config = {
      notifications: { webhookUrls: { a_lead: receiver.url }, groupWaitSeconds: 0, repeatIntervalSeconds: 3600, maxAttempts: 3 },
      alerts: { atRiskShare: 0.8, evaluateEverySeconds: 1, muteWindows: [] },
    };
    const first = await running(paths, { config, clock, alertTimer: true });
    await receiver.waitForRequests(1);
    await sleep(2500);
    expect(receiver.accepted()).toHaveLength(1);
    const [notification] = receiver.accepted();
    expect(notification!.headers['idempotency-key']).toBe(notification!.body.notification_id);
    expect(notification!.body.supervisor_agent_id).toBe('a_lead');
    const lines = (notification!.body.text as string).split('\n');
    // Meera and Kiran breached; Kiran's breach and her unassigned alert are one line.
    expect(lines.filter((line) => line.includes('Meera'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('Kiran'))).toHaveLength(1);
    expect(notification!.body.text).not.toContain('Arjun');
    const meeraAlertIds = (notification!.body.firing as Array<{ alert_id: string; contact: { wa_id: string } }>)
      .filter((summary) => summary.contact.wa_id === CONTACTS.sales.waId)
      .map((summary) => summary.alert_id);
    expect(meeraAlertIds).toHaveLength(1);

    await first.app.close();
    const second = await running(paths, { config, clock, alertTimer: true });
    await sleep(3000);
    expect(receiver.requests).toHaveLength(1);

    const file = join(paths.root, 'reply.ndjson');
    writeFileSync(file, `${outboundRecord(CONTACTS.sales.waId, 'a_sales', OPENED_AT + 39 * MINUTE)}\n`);
    expect((await runCli(['--data', paths.root, 'ingest', 'outbound', file])).code).toBe(0);
    await receiver.waitForRequests(2);
    const resolved = receiver.accepted()[1]!.body;
    expect(resolved.resolved.map((summary: { alert_id: string }) => summary.alert_id)).toEqual(meeraAlertIds);
    expect(resolved.firing).toEqual([]);

    // The receiver has the request before the notifier has its answer and logs the attempt: wait for it.
    const statuses = async () => {
      const log = await second.app.inject({ url: '/api/notifications', headers: second.as.owner });
      return JSON.parse(log.body).deliveries.map((entry: { status: string }) => entry.status) as string[];
    };
    for (let tries = 0; tries < 50 && (await statuses()).length < 2; tries += 1) await sleep(100);
    expect(await statuses()).toEqual(['delivered', 'delivered']);
  });
});
