import { copyFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { NOW, runCli } from '../helpers/run-cli.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET } from '../helpers/webhook-app.ts';
import { budget, CHAOS, recordFigures, repetitions, SEED, seededRandom, sleep, type FaultFigures } from './chaos.ts';
import { inboundBody } from './webhook-burst.ts';

const HOUR = 3_600_000;
const at = (offsetMs: number): string => new Date(Date.parse(NOW) + offsetMs).toISOString();

/** Waits until the running server's /readyz says what `ready` expects (it looks at the file about once a second). */
async function readyz(url: string, until: (body: any) => boolean): Promise<{ status: number; body: any }> {
  for (let tries = 0; ; tries += 1) {
    const response = await fetch(`${url}/readyz`);
    const body = await response.json();
    if (until(body) || tries > 100) return { status: response.status, body };
    await sleep(100);
  }
}

describe('the warehouse file and the clock under a running server', () => {
  it('a warehouse deleted under the server, then rebuilt with the clock moved back a day: answers throughout, one line where it cannot, nothing lost', async () => {
    const rounds = repetitions(0, 8);
    const time = budget(480);
    const random = seededRandom(SEED);
    const figures: FaultFigures = {
      fault: 'the warehouse file deleted under a running server; REPLYWATCH_NOW moved backwards and forwards between builds; the alert clock jumping',
      load: 'a month of demo data; the alert API asked for every firing alert after each change',
      repetitions: 0, faultsInjected: 0, recordsChecked: 0, lost: 0, doubled: 0, notes: [], seed: SEED, seconds: 0,
    };
    const paths = dataPaths(tempDir('replywatch-server-faults-'));
    cpSync(inject('builtDataDir'), paths.root, { recursive: true });
    rmSync(join(paths.root, '.dbt'), { recursive: true, force: true });
    // The original build (as of NOW), kept aside: what every later build must agree with.
    const original = join(tempDir('replywatch-original-'), 'warehouse.duckdb');
    copyFileSync(paths.warehouse, original);
    const messagesUpTo = async (file: string, asOf: string): Promise<number> =>
      Number((await queryFile(file, `select count(*) as n from int_messages_unified where sent_at <= '${asOf}'::timestamptz`))[0]!.n);
    const key = (await runCli(['--data', paths.root, 'keys', 'create', '--role', 'owner'])).stdout.trim();
    const servers: ServerProcess[] = [];
    const serve = async (now = NOW): Promise<ServerProcess> => {
      const server = await startServerProcess(paths.root, [], { REPLYWATCH_NOW: now });
      servers.push(server);
      return server;
    };
    const alerts = async (server: ServerProcess) => {
      const response = await fetch(`${server.url}/api/alerts?limit=500`, { headers: { authorization: `Bearer ${key}` } });
      return { status: response.status, body: (await response.json()) as any };
    };
    let passed = false;
    try {
      let server = await serve();
      const before = await alerts(server);
      expect(before.status).toBe(200);
      expect(before.body.alerts.length).toBeGreaterThan(0);

      // Deleted under it: the server answers from the build it has open, exactly as before.
      rmSync(paths.warehouse);
      figures.faultsInjected += 1;
      await sleep(1200);
      const after = await alerts(server);
      expect(after.status).toBe(200);
      expect(after.body.alerts.map((alert: { id: string }) => alert.id)).toEqual(before.body.alerts.map((alert: { id: string }) => alert.id));
      // Webhooks do not need the warehouse.
      const { body, wamid } = inboundBody('NOWAREHOUSE', 1);
      const webhook = await fetch(`${server.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, APP_SECRET) },
        body,
      });
      expect(webhook.status).toBe(200);
      // Anyone opening the file now is told what to run, in one line.
      const query = await runCli(['--data', paths.root, 'query', 'select 1']);
      expect(query.code).toBe(1);
      expect(query.stderr.trim()).toBe(`replywatch: ${paths.warehouse} does not exist yet; run \`replywatch build\` (or \`replywatch demo\`) first`);

      // Restarted without one: not ready, and says why; the API answers 503 with the same words.
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      server = await serve();
      const notReady = await readyz(server.url, () => true);
      expect(notReady.status).toBe(503);
      expect(notReady.body.reason).toBe('there is no warehouse yet; run replywatch build (or serve, which builds on a schedule)');
      const refused = await alerts(server);
      expect(refused).toEqual({ status: 503, body: { error: { code: 'not_ready', message: notReady.body.reason } } });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      // The next build, with the clock a day behind the last one: picked up by the running server.
      const backwards = at(-24 * HOUR);
      const rebuilt = await runCli(['--data', paths.root, 'build', '--as-of', backwards]);
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      figures.faultsInjected += 1;
      const ready = await readyz(server.url, (reply) => reply.ready === true);
      expect(ready.status).toBe(200);
      expect(ready.body.warehouse.as_of).toBe(backwards);
      // The alert clock (the server's, NOW) is now a day past the build's: alerts are compared with it.
      const dayAhead = await alerts(server);
      expect(dayAhead.status).toBe(200);
      expect(dayAhead.body).toMatchObject({ now: new Date(NOW).toISOString(), warehouse_as_of: backwards });
      figures.faultsInjected += 1;

      // Nothing lost: every message up to the new clock, once; the later ones wait in raw.duckdb for a later clock.
      const check = async (asOf: string): Promise<void> => {
        const expected = (await messagesUpTo(original, asOf)) + 1;
        const found = await messagesUpTo(paths.warehouse, asOf);
        const [unique] = await queryFile(paths.warehouse, 'select count(*) - count(distinct message_id) as doubled from int_messages_unified');
        const [kept] = await queryFile(paths.warehouse, `select count(*) as n from stg_whatsapp__messages where message_id = '${wamid}'`);
        figures.recordsChecked += expected;
        figures.lost += Math.max(0, expected - found) + (kept!.n === 1 ? 0 : 1);
        figures.doubled += Number(unique!.doubled) + Math.max(0, found - expected);
        expect({ found, doubled: unique!.doubled, webhook: kept!.n }, `as of ${asOf}`).toEqual({ found: expected, doubled: 0, webhook: 1 });
      };
      await check(backwards);
      const [later] = await queryFile(paths.raw, `select count(*) as n from raw_whatsapp_messages where sent_at > '${backwards}'::timestamptz`);
      expect(later!.n).toBeGreaterThan(0);
      figures.repetitions += 1;

      // The long run: more builds, the clock jumping back and forth between them.
      const jumps: string[] = [];
      for (let round = 0; round < rounds && time.left(); round += 1) {
        const asOf = at(random.pick([-72, -24, -2, 0, 1, 24]) * HOUR);
        const build = await runCli(['--data', paths.root, 'build', '--as-of', asOf]);
        expect(build.code, build.stderr).toBe(0);
        await check(asOf);
        jumps.push(`${Math.round((Date.parse(asOf) - Date.parse(NOW)) / HOUR)} h`);
        figures.faultsInjected += 1;
        figures.repetitions += 1;
      }

      // The alert clock jumps back three days, before the build's own clock: it still answers, and fires nothing from the future.
      server.child.kill('SIGTERM');
      await server.exited;
      const earlier = at(-72 * HOUR);
      server = await serve(earlier);
      const behind = await alerts(server);
      expect(behind.status).toBe(200);
      expect(behind.body.now).toBe(earlier);
      expect(behind.body.alerts.every((alert: { fires_at: string }) => Date.parse(alert.fires_at) <= Date.parse(earlier))).toBe(true);
      figures.faultsInjected += 1;

      figures.notes.push(
        `deleted under it, the server kept answering ${after.body.alerts.length} alerts from the build it had open; \`query\` said "${paths.warehouse.replace(paths.root, '<data>')} does not exist yet; run \`replywatch build\` …"; a restarted server answered 503 "there is no warehouse yet; run replywatch build …"`,
        'the rebuild as of a day earlier was picked up without a restart; the alert API then compared clocks one day past the build, and later three days before it, answering 200 each time',
        `every message up to each build's clock present once (int_messages_unified against the original build), the later ones kept in raw.duckdb${CHAOS ? `; clock jumps between builds: ${jumps.join(', ')}` : ''}`,
      );
      passed = true;
    } finally {
      for (const server of servers) server.child.kill('SIGTERM');
      figures.seconds = time.seconds();
      recordFigures('warehouse-and-clock', figures, passed);
    }
  });
});
