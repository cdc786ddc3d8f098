import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { createGroupCommitAppender } from '../../ingest/landing/group-commit-appender.ts';
import { createKey } from '../../lib/api-keys.ts';
import { loadConfig } from '../../lib/config.ts';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { processLease } from '../../lib/process-lease.ts';
import { NOW } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET, VERIFY_TOKEN } from '../helpers/webhook-app.ts';
import { budget, recordFigures, repetitions, SEED, seededRandom, sleep, type FaultFigures } from './chaos.ts';
import { startScriptedReceiver, type Behaviour } from './scripted-receiver.ts';

interface JournalEvent {
  type: 'notification' | 'attempt';
  notification?: { notification_id: string; firing: Array<{ alert_id: string }> };
  notification_id?: string;
  status?: string;
}

function journal(paths: DataPaths): JournalEvent[] {
  const file = join(paths.state, 'notifications.ndjson');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as JournalEvent);
}

/** Notification ids journaled, and those with a final attempt (delivered or given up). */
function progress(paths: DataPaths): { notified: string[]; finished: Map<string, string[]> } {
  const events = journal(paths);
  const notified = events.filter((event) => event.type === 'notification').map((event) => event.notification!.notification_id);
  const finished = new Map<string, string[]>();
  for (const event of events) {
    if (event.type !== 'attempt' || event.status === 'retrying') continue;
    finished.set(event.notification_id!, [...(finished.get(event.notification_id!) ?? []), event.status!]);
  }
  return { notified, finished };
}

const describeBehaviour = (behaviour: Behaviour): string =>
  typeof behaviour === 'string' ? behaviour : 'status' in behaviour ? `HTTP ${behaviour.status}` : `200 after ${behaviour.slowMs} ms`;

/**
 * Supervisor notifications from the replywatch app, listening on loopback as `serve` runs it, to a
 * receiver that hangs, fails, drops the connection or answers slowly. Each round starts on a fresh
 * copy of a month of demo data, so there are breaches to tell every supervisor about at once.
 */
describe('supervisor notifications to a receiver that hangs, fails or answers slowly', () => {
  it('delivers each notification once when the receiver comes back, and the API answers meanwhile', async () => {
    const rounds = repetitions(1, 14);
    const time = budget(420);
    const random = seededRandom(SEED);
    const figures: FaultFigures = {
      fault: 'notification receivers that hang, fail, drop the connection or answer slowly',
      load: 'the app as `serve` runs it notifying every supervisor of a month of demo breaches; the API asked for alerts and the queue every 250 ms meanwhile',
      repetitions: 0, faultsInjected: 0, recordsChecked: 0, lost: 0, doubled: 0, notes: [], seed: SEED, seconds: 0,
    };
    const latencies: number[] = [];
    const seen = new Map<string, number>();
    let passed = false;
    try {
      for (let round = 0; round < rounds && time.left(); round += 1) {
        // The first round is scripted (a hang, a 503, a slow answer); later ones are random.
        const scripted: Behaviour[] = ['hang', { status: 503 }, { slowMs: 2500 }];
        const script = (n: number): Behaviour => {
          if (round === 0) return scripted[n] ?? 'ok';
          // The first request always misbehaves, so every round injects a fault.
          const roll = n === 0 ? 0.45 + random.next() * 0.55 : random.next();
          if (n > 40 || roll < 0.45) return 'ok';
          if (roll < 0.6) return 'hang';
          if (roll < 0.8) return { status: random.pick([500, 502, 503, 429]) };
          if (roll < 0.92) return { slowMs: Math.round(random.between(300, 4000)) };
          return 'reset';
        };
        const receiver = await startScriptedReceiver(script);
        const paths = dataPaths(tempDir('replywatch-notify-'));
        cpSync(inject('builtDataDir'), paths.root, { recursive: true });
        rmSync(join(paths.root, '.dbt'), { recursive: true, force: true });
        const key = createKey(paths.state, { role: 'owner' }).key;
        const config = loadConfig({
          env: { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN },
          overrides: {
            alerts: { evaluateEverySeconds: 1 },
            notifications: { webhookUrls: { '*': receiver.url }, groupWaitSeconds: 0, repeatIntervalSeconds: 3600, maxAttempts: 10 },
          },
        });
        // The app as `serve` builds it, on a clock that starts at the pinned NOW and then runs:
        // retries wait real seconds (a clock pinned still would never see a backoff pass).
        const started = Date.now();
        const app = await buildApp({
          config,
          paths,
          whatsappLanding: createGroupCommitAppender(join(paths.landing, 'whatsapp'), processLease(paths.leases)),
          now: () => new Date(Date.parse(NOW) + (Date.now() - started)),
          alertTimer: true,
        });
        const server = { url: await app.listen({ host: '127.0.0.1', port: 0 }) };
        try {
          // While deliveries hang, fail and wait, the API answers.
          const probes: Array<{ path: string; status: number }> = [];
          let whileHung = 0;
          let probing = true;
          const probe = (async () => {
            while (probing) {
              for (const path of ['/api/alerts?limit=20', '/api/queue?limit=20']) {
                const started = performance.now();
                const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
                await response.arrayBuffer();
                // A hung delivery is in flight until the sender's 10 s timeout.
                if (receiver.requests.some((request) => request.behaviour === 'hang' && Date.now() - request.at < 10_000)) {
                  latencies.push(performance.now() - started);
                  whileHung += 1;
                }
                probes.push({ path, status: response.status });
              }
              await sleep(250);
            }
          })();
          // Until every notification has been delivered or given up.
          const deadline = Date.now() + 120_000;
          let state = progress(paths);
          while (!(state.notified.length > 0 && state.notified.every((id) => state.finished.has(id))) && Date.now() < deadline) {
            await sleep(200);
            state = progress(paths);
          }
          // Quiet afterwards: nothing is sent again within the repeat interval.
          const requestsWhenDone = receiver.requests.length;
          await sleep(2500);
          probing = false;
          await probe;

          const accepted = new Map<string, number>();
          for (const request of receiver.accepted()) accepted.set(request.idempotencyKey, (accepted.get(request.idempotencyKey) ?? 0) + 1);
          const events = journal(paths);
          const delivered = state.notified.filter((id) => state.finished.get(id)?.includes('delivered'));
          const alertsNotified = events.filter((event) => event.type === 'notification').flatMap((event) => event.notification!.firing.map((alert) => alert.alert_id));
          const faults = receiver.requests.filter((request) => request.behaviour !== 'ok');
          for (const request of faults) {
            const name = describeBehaviour(request.behaviour).replace(/ after \d+ ms$/, ' slowly').replace(/HTTP \d+/, 'HTTP 5xx/429');
            seen.set(name, (seen.get(name) ?? 0) + 1);
          }
          figures.faultsInjected += faults.length;
          figures.recordsChecked += state.notified.length;
          figures.lost += state.notified.filter((id) => !accepted.has(id)).length;
          figures.doubled += [...accepted.values()].filter((count) => count > 1).length + (alertsNotified.length - new Set(alertsNotified).size);
          figures.repetitions += 1;

          const where = `seed ${SEED}, round ${round}`;
          expect(state.notified.length, where).toBeGreaterThan(0);
          expect(faults.length, where).toBeGreaterThan(0);
          expect(delivered, where).toEqual(state.notified);
          expect(state.notified.every((id) => accepted.get(id) === 1), where).toBe(true);
          expect(state.notified.every((id) => state.finished.get(id)!.length === 1), where).toBe(true);
          expect(new Set(alertsNotified).size, where).toBe(alertsNotified.length);
          expect(receiver.requests.length, where).toBe(requestsWhenDone);
          expect(probes.length, where).toBeGreaterThan(0);
          if (receiver.requests.some((request) => request.behaviour === 'hang')) expect(whileHung, where).toBeGreaterThan(0);
          expect(probes.filter((probe) => probe.status !== 200), where).toEqual([]);
        } finally {
          await receiver.close();
          await app.close();
        }
      }
      latencies.sort((a, b) => a - b);
      const at = (share: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * share))] ?? 0);
      figures.notes.push(
        `receiver faults: ${[...seen].map(([name, count]) => `${count} × ${name}`).join(', ')}`,
        `API requests while a delivery hung: ${latencies.length}, all 200; latency median ${at(0.5)} ms, max ${Math.round(latencies[latencies.length - 1] ?? 0)} ms (measured, not asserted)`,
        'each notification delivered exactly once (one 2xx per Idempotency-Key, one final journal entry), each alert in one notification, nothing sent again afterwards',
      );
      passed = true;
    } finally {
      figures.seconds = time.seconds();
      recordFigures('notify-receivers', figures, passed);
    }
  });
});
