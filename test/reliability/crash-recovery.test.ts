import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { budget, CHAOS, recordFigures, repetitions, SEED, seededRandom, sleep, type FaultFigures } from './chaos.ts';
import { processesNaming, spawnCli } from './spawn-cli.ts';
import { pollWarehouse } from './warehouse-poller.ts';
import { burst, inboundBody, lostAndDoubled, newTally } from './webhook-burst.ts';

/** A killed process's lock and open segment are taken over once its lease has not been renewed for this long. */
const LEASE_TTL_MS = 1500;
const env = { REPLYWATCH_LEASE_TTL_MS: String(LEASE_TTL_MS) };
const CONCURRENCY = 16;
/** Webhooks per ingested file: landing and loading it take a few seconds, so a kill can land in either. */
const FILE_WEBHOOKS = 20_000;

function figuresFor(fault: string, load: string): FaultFigures {
  return { fault, load, repetitions: 0, faultsInjected: 0, recordsChecked: 0, lost: 0, doubled: 0, notes: [], seed: SEED, seconds: 0 };
}

const range = (values: number[], unit: string): string => (values.length ? `${Math.min(...values)}–${Math.max(...values)} ${unit}` : 'none');

/**
 * One deployment with a month of history, killed with SIGKILL at random moments, step after step
 * as production would: the webhook receiver during bursts, then `replywatch ingest`, then
 * `replywatch build`. Each step checks what it can see at once; the last one's rebuild checks
 * everything accepted along the way in the warehouse. The steps share the data directory, so they
 * run in order.
 */
describe.sequential('one deployment killed with SIGKILL at random moments', () => {
  const random = seededRandom(SEED);
  const paths = dataPaths(tempDir('replywatch-crash-'));
  const webhooks = newTally();
  /** Bodies (SHA-256) and messages of the files `ingest` finished landing. */
  const ingested = { bodies: new Set<string>(), messages: new Set<string>() };
  let originalBuild = '';

  beforeAll(async () => {
    cpSync(inject('builtDataDir'), paths.root, { recursive: true });
    rmSync(join(paths.root, '.dbt'), { recursive: true, force: true });
    const [meta] = await queryFile(paths.warehouse, 'select cast(as_of as varchar) as as_of, cast(built_at as varchar) as built_at from meta_build');
    originalBuild = `${meta?.as_of} built ${meta?.built_at}`;
    process.env.REPLYWATCH_LEASE_TTL_MS = String(LEASE_TTL_MS);
  });
  afterAll(() => {
    delete process.env.REPLYWATCH_LEASE_TTL_MS;
  });

  it('the webhook receiver, during bursts: every webhook answered 200 is loaded after restart, exactly once', async () => {
    const rounds = repetitions(3, 40);
    const time = budget(420);
    const figures = figuresFor('SIGKILL of `replywatch serve` during a burst of signed webhooks', `${CONCURRENCY} concurrent signed POST /webhooks/whatsapp, one new message each`);
    const killMoments: number[] = [];
    let passed = false;
    try {
      for (let round = 0; round < rounds && time.left(); round += 1) {
        const server = await startServerProcess(paths.root, [], env);
        const before = webhooks.acknowledged.size;
        const requests = burst(server.url, `R${round}`, webhooks, { concurrency: CONCURRENCY });
        // A random moment, but after the first 200: every round has requests in flight when it dies.
        while (webhooks.acknowledged.size === before) await sleep(5);
        const moment = Math.round(random.between(0, 1500));
        await sleep(moment);
        server.child.kill('SIGKILL');
        await requests;
        await server.exited;
        killMoments.push(moment);
        figures.repetitions += 1;
        figures.faultsInjected += 1;
      }
      // Restarted, it takes webhooks again, and stops the ordinary way (SIGTERM drains and seals).
      const restarted = await startServerProcess(paths.root, [], env);
      const before = webhooks.acknowledged.size;
      let stopping = false;
      const requests = burst(restarted.url, 'AFTER', webhooks, { concurrency: 4, stop: () => stopping });
      while (webhooks.acknowledged.size < before + 20) await sleep(5);
      stopping = true;
      await requests;
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);

      // The killed servers' leases lapse; the next load seals their open segments.
      await sleep(LEASE_TTL_MS * 2);
      await loadPendingSegments(paths, { quiet: true });
      const landed = lostAndDoubled(webhooks.acknowledged, await queryFile(paths.raw, 'select webhook_id from raw_whatsapp_webhooks'), 'webhook_id');
      const messages = lostAndDoubled(webhooks.acknowledgedMessages, await queryFile(paths.raw, 'select wamid from raw_whatsapp_messages'), 'wamid');
      figures.recordsChecked = webhooks.acknowledged.size;
      figures.lost = landed.lost.length + messages.lost.length;
      figures.doubled = landed.doubled.length + messages.doubled.length;
      const refused = [...webhooks.refused].map(([status, count]) => `${count} × ${status === 0 ? 'connection dropped' : `HTTP ${status}`}`).join(', ');
      figures.notes.push(
        `${webhooks.sent} webhooks sent, ${webhooks.acknowledged.size} answered 200 (${refused || 'none refused'})`,
        `killed ${range(killMoments, 'ms')} after a round's first 200`,
        'checked in raw.duckdb here, and in the warehouse after the rebuild of the last step',
      );
      expect(webhooks.acknowledged.size).toBeGreaterThan(figures.faultsInjected * 10);
      expect(webhooks.sent).toBeGreaterThan(webhooks.acknowledged.size);
      expect(landed.lost, `seed ${SEED}`).toEqual([]);
      expect(messages.lost, `seed ${SEED}`).toEqual([]);
      expect([...landed.doubled, ...messages.doubled]).toEqual([]);
      passed = true;
    } finally {
      figures.seconds = time.seconds();
      recordFigures('serve-kill', figures, passed);
    }
  });

  it('`replywatch ingest`, landing or loading: the warehouse stays readable, the next run completes, raw.duckdb has every record once', async () => {
    const rounds = repetitions(1, 15);
    const time = budget(300);
    const figures = figuresFor('SIGKILL of `replywatch ingest whatsapp`', `a file of ${FILE_WEBHOOKS.toLocaleString('en')} webhooks (${'≈'}9 MB) landed and loaded per round`);
    const poller = pollWarehouse(paths.warehouse);
    const killMoments: number[] = [];
    const phases = { landing: 0, loading: 0, finished: 0 };
    let passed = false;
    try {
      // Until `rounds` runs were killed: a run that finished before its kill moment does not count.
      for (let round = 0; figures.faultsInjected < rounds && round < rounds * 3 && time.left(); round += 1) {
        const file = join(paths.root, `webhooks-${round}.ndjson`);
        const bodies = Array.from({ length: FILE_WEBHOOKS }, (_, n) => inboundBody(`I${round}`, n));
        writeFileSync(file, `${bodies.map(({ body }) => body).join('\n')}\n`);
        const manifestBefore = existsSync(paths.manifest) ? readFileSync(paths.manifest, 'utf8').length : 0;

        const ingest = spawnCli(['--data', paths.root, 'ingest', 'whatsapp', file], env);
        const moment = Math.round(random.between(300, 3500));
        const exited = await Promise.race([ingest.done.then(() => true), sleep(moment).then(() => false)]);
        if (exited) {
          phases.finished += 1;
        } else {
          // The manifest line is written once the file is landed and sealed: after it, the load runs.
          const landedYet = (existsSync(paths.manifest) ? readFileSync(paths.manifest, 'utf8').length : 0) > manifestBefore;
          ingest.kill('process');
          await ingest.done;
          phases[landedYet ? 'loading' : 'landing'] += 1;
          figures.faultsInjected += 1;
          killMoments.push(moment);
        }
        const again = await runCli(['--data', paths.root, 'ingest', 'whatsapp', file], env);
        expect(again.code, again.stderr).toBe(0);
        for (const { body, wamid } of bodies) {
          ingested.bodies.add(createHash('sha256').update(body).digest('hex'));
          ingested.messages.add(wamid);
        }
        rmSync(file);
        figures.repetitions += 1;
      }
      const report = await poller.stop();
      const landed = lostAndDoubled(ingested.bodies, await queryFile(paths.raw, 'select webhook_id from raw_whatsapp_webhooks'), 'webhook_id');
      const messages = lostAndDoubled(ingested.messages, await queryFile(paths.raw, 'select wamid from raw_whatsapp_messages'), 'wamid');
      figures.recordsChecked = ingested.bodies.size;
      figures.lost = landed.lost.length + messages.lost.length;
      figures.doubled = landed.doubled.length + messages.doubled.length;
      figures.notes.push(
        `killed ${range(killMoments, 'ms')} after start: ${phases.landing} while landing, ${phases.loading} while loading raw.duckdb; ${phases.finished} runs finished before their kill moment`,
        `the warehouse was read ${report.reads} times meanwhile, ${report.failures.length} reads failed`,
      );
      expect(report.failures).toEqual([]);
      expect(report.reads).toBeGreaterThan(0);
      expect(figures.faultsInjected).toBeGreaterThan(0);
      expect(landed.lost, `seed ${SEED}`).toEqual([]);
      expect(messages.lost, `seed ${SEED}`).toEqual([]);
      expect([...landed.doubled, ...messages.doubled]).toEqual([]);
      passed = true;
    } finally {
      await poller.stop();
      figures.seconds = time.seconds();
      recordFigures('ingest-kill', figures, passed);
    }
  });

  it('`replywatch build`: the previous warehouse stays readable, the next build completes, and has every record accepted above exactly once', async () => {
    const rounds = repetitions(1, 12);
    const time = budget(600);
    const figures = figuresFor('SIGKILL of `replywatch build`', 'a full build (load + dbt build of ~300 nodes) over a month of demo data plus the webhooks above');
    const poller = pollWarehouse(paths.warehouse);
    const killMoments: number[] = [];
    const kinds = { process: 0, group: 0, finished: 0, duringDbt: 0, writingWarehouse: 0 };
    let passed = false;
    try {
      for (let round = 0; figures.faultsInjected < rounds && round < rounds * 3 && time.left(); round += 1) {
        const build = spawnCli(['--data', paths.root, 'build'], env);
        // The fast variant kills during dbt (the long part); the long one anywhere in the run.
        const moment = Math.round(CHAOS ? random.between(200, 25_000) : random.between(5000, 12_000));
        const target = CHAOS ? random.pick(['process', 'group'] as const) : 'process';
        const exited = await Promise.race([build.done.then(() => true), sleep(moment).then(() => false)]);
        if (exited) {
          kinds.finished += 1;
        } else {
          if (processesNaming(paths.root).some((command) => command.includes('dbt build'))) kinds.duringDbt += 1;
          if (existsSync(paths.nextWarehouse)) kinds.writingWarehouse += 1;
          build.kill(target);
          await build.done;
          // Nothing of the killed build keeps running: an orphaned dbt would hold the files the next build needs.
          for (let waited = 0; processesNaming(paths.root).length && waited < 40; waited += 1) await sleep(50);
          expect(processesNaming(paths.root)).toEqual([]);
          kinds[target] += 1;
          figures.faultsInjected += 1;
          killMoments.push(moment);
        }
        figures.repetitions += 1;
      }
      const finalBuild = await runCli(['--data', paths.root, 'build'], env);
      await sleep(200);
      const report = await poller.stop();
      expect(finalBuild.code, finalBuild.stderr).toBe(0);

      const accepted = new Set([...webhooks.acknowledged, ...ingested.bodies]);
      const acceptedMessages = new Set([...webhooks.acknowledgedMessages, ...ingested.messages]);
      const inWarehouse = lostAndDoubled(accepted, await queryFile(paths.warehouse, 'select webhook_id from stg_whatsapp__webhooks'), 'webhook_id');
      const messages = lostAndDoubled(acceptedMessages, await queryFile(paths.warehouse, 'select message_id from stg_whatsapp__messages'), 'message_id');
      figures.recordsChecked = accepted.size;
      figures.lost = inWarehouse.lost.length + messages.lost.length;
      figures.doubled = inWarehouse.doubled.length + messages.doubled.length;
      figures.notes.push(
        `killed ${range(killMoments.map((ms) => Math.round(ms / 100) / 10), 's')} after start (${kinds.duringDbt} while dbt ran, ${kinds.writingWarehouse} of them with warehouse.next.duckdb written; the others while loading raw.duckdb or starting dbt): ${kinds.process} the replywatch process alone, ${kinds.group} its whole process group; ${kinds.finished} builds finished first`,
        `the warehouse was read ${report.reads} times meanwhile, ${report.failures.length} reads failed; it changed only when the last build swapped in`,
        'checked in the warehouse (stg_whatsapp__webhooks by body SHA-256, stg_whatsapp__messages by wamid): every webhook answered 200 above and every ingested one',
      );
      expect(figures.faultsInjected).toBeGreaterThan(0);
      expect(report.failures).toEqual([]);
      expect(report.builds[0]).toBe(originalBuild);
      expect(report.builds).toHaveLength(2 + kinds.finished);
      expect(existsSync(paths.nextWarehouse)).toBe(false);
      expect(inWarehouse.lost, `seed ${SEED}`).toEqual([]);
      expect(messages.lost, `seed ${SEED}`).toEqual([]);
      expect([...inWarehouse.doubled, ...messages.doubled]).toEqual([]);
      passed = true;
    } finally {
      await poller.stop();
      figures.seconds = time.seconds();
      recordFigures('build-kill', figures, passed);
    }
  });
});
