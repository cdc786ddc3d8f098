import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { budget, recordFigures, repetitions, SEED, type FaultFigures } from './chaos.ts';
import { smallDisk, smallDiskUnavailable, type SmallDisk } from './small-disk.ts';
import { burst, inboundBody, lostAndDoubled, newTally } from './webhook-burst.ts';

/** A one-person roster file outside the small disk: ingesting it makes a process load everything pending. */
function rosterFile(): string {
  const file = join(tempDir('replywatch-input-'), 'roster.csv');
  writeFileSync(file, 'agent_id,name,role,team,supervisor_id,capacity,active\na1,Asha,sales,sales,,30,true\n');
  return file;
}

function figuresFor(fault: string, load: string): FaultFigures {
  return { fault, load, repetitions: 0, faultsInjected: 0, recordsChecked: 0, lost: 0, doubled: 0, notes: [], seed: SEED, seconds: 0 };
}

/** A built deployment (a month of demo data) copied onto `disk`: the landing log, raw.duckdb, the warehouse, state. */
function builtDeploymentOn(disk: SmallDisk): DataPaths {
  const paths = dataPaths(join(disk.dir, 'data'));
  const built = inject('builtDataDir');
  mkdirSync(paths.root);
  for (const entry of ['landing', 'raw.duckdb', 'warehouse.duckdb']) cpSync(join(built, entry), join(paths.root, entry), { recursive: true });
  // Folders every data directory has after its first run.
  mkdirSync(paths.leases);
  mkdirSync(paths.state);
  return paths;
}

/** A file of `count` new webhooks, written outside the small disk, and what identifies each. */
function webhookFile(dir: string, run: string, count: number): { file: string; bodies: Set<string>; messages: Set<string> } {
  const items = Array.from({ length: count }, (_, n) => inboundBody(run, n));
  const file = join(dir, `${run}.ndjson`);
  writeFileSync(file, `${items.map(({ body }) => body).join('\n')}\n`);
  return {
    file,
    bodies: new Set(items.map(({ body }) => createHash('sha256').update(body).digest('hex'))),
    messages: new Set(items.map(({ wamid }) => wamid)),
  };
}

/** What a user sees of a failed command: one line saying what happened and what to do, no stack, no "bug". */
function expectOneLineError(result: { code: number; stderr: string }, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trim().split('\n').filter((line) => line.startsWith('replywatch: '));
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/looks like a bug|\n\s+at /);
}

describe.skipIf(smallDiskUnavailable !== undefined)(`a full or read-only disk${smallDiskUnavailable ? ` (skipped: ${smallDiskUnavailable})` : ''}`, () => {
  const disks: SmallDisk[] = [];
  afterEach(() => {
    for (const disk of disks.splice(0)) disk.unmount();
  });
  const disk = (sizeMiB: number): SmallDisk => {
    const made = smallDisk(sizeMiB);
    disks.push(made);
    return made;
  };

  it('the webhook receiver answers 500 (Meta retries) while the disk is full, 200 again once there is room, and loses none it answered 200', async () => {
    const rounds = repetitions(1, 8);
    const time = budget(300);
    const figures = figuresFor('a full disk under `replywatch serve`', '8 concurrent signed webhooks until the 2 MiB disk fills, then on after it is grown');
    const small = disk(2);
    const paths = dataPaths(join(small.dir, 'data'));
    const tally = newTally();
    let passed = false;
    try {
      const server = await startServerProcess(paths.root);
      for (let round = 0; round < rounds && time.left(); round += 1) {
        // Fill up: the landing log gets the disk's last bytes, then every write fails.
        const refusedBefore = tally.refused.get(500) ?? 0;
        await burst(server.url, `F${round}`, tally, { concurrency: 8, stop: () => (tally.refused.get(500) ?? 0) >= refusedBefore + 100 });
        figures.faultsInjected += (tally.refused.get(500) ?? 0) - refusedBefore;
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        // Failed writes leave nothing behind but the open segment: no empty files pile up.
        const parts = readdirSync(join(paths.landing, 'whatsapp')).filter((name) => name.endsWith('.part'));
        expect(parts.length).toBeLessThanOrEqual(1);
        // Room again (a grown disk here; deleted files in life): the same server takes webhooks again.
        small.remount(`size=${2 * (round + 2)}m`);
        const acknowledgedBefore = tally.acknowledged.size;
        await burst(server.url, `G${round}`, tally, { concurrency: 8, stop: () => tally.acknowledged.size >= acknowledgedBefore + 100 });
        figures.repetitions += 1;
      }
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      small.remount('size=256m');
      // Loaded by a separate process, as a deployment would (an ingest loads everything pending).
      const load = await runCli(['--data', paths.root, 'ingest', 'roster', rosterFile()]);
      expect(load.code, load.stderr).toBe(0);
      const landed = lostAndDoubled(tally.acknowledged, await queryFile(paths.raw, 'select webhook_id from raw_whatsapp_webhooks'), 'webhook_id');
      figures.recordsChecked = tally.acknowledged.size;
      figures.lost = landed.lost.length;
      figures.doubled = landed.doubled.length;
      figures.notes.push(
        `${tally.sent} webhooks sent, ${tally.acknowledged.size} answered 200, ${tally.refused.get(500) ?? 0} answered 500 while the disk was full (no other status)`,
        'the server stayed up throughout and took webhooks again without a restart once the disk had room',
      );
      expect([...tally.refused.keys()]).toEqual([500]);
      expect(landed.lost).toEqual([]);
      expect(landed.doubled).toEqual([]);
      passed = true;
    } finally {
      figures.seconds = time.seconds();
      recordFigures('disk-full-serve', figures, passed);
    }
  });

  it('`ingest` and `build` on a full disk stop with one line, keep the previous warehouse readable, and complete once there is room', async () => {
    const time = budget(600);
    const figures = figuresFor('a full disk under `replywatch ingest` and `replywatch build`', 'a month of demo data on a 40 MiB disk; an ingest of 2,000 webhooks and a build');
    const small = disk(40);
    const paths = builtDeploymentOn(small);
    const input = webhookFile(tempDir('replywatch-input-'), 'DISK', 2000);
    const warehouseBefore = readFileSync(paths.warehouse);
    const [inquiriesBefore] = await queryFile(paths.warehouse, 'select count(*) as n from fct_inquiries');
    let passed = false;
    try {
      // Completely full: not even the pipeline lock can be written.
      let free = small.fill();
      const ingest = await runCli(['--data', paths.root, 'ingest', 'whatsapp', input.file]);
      expectOneLineError(ingest, /no space left on device.*free space on that disk/i);
      // A lock that could not be written is not left behind: it would block every later run.
      expect(existsSync(paths.lock)).toBe(false);
      const build = await runCli(['--data', paths.root, 'build']);
      expectOneLineError(build, /no space left on device.*free space on that disk/i);
      expect(existsSync(paths.lock)).toBe(false);
      figures.faultsInjected += 2;
      expect(existsSync(paths.manifest) && readFileSync(paths.manifest, 'utf8').includes(input.file)).toBe(false);
      free();

      // Room for the landing log: the ingest completes, each record once.
      const landed = await runCli(['--data', paths.root, 'ingest', 'whatsapp', input.file]);
      expect(landed.code, landed.stderr).toBe(0);

      // 1 MiB free, far less than the 19 MiB warehouse a build writes: the build fails, removes its half, keeps the old one.
      free = small.fill(1 << 20);
      const tooSmall = await runCli(['--data', paths.root, 'build']);
      expectOneLineError(tooSmall, /^replywatch: build failed: .*no space left on device.*the previous warehouse is unchanged; free space/i);
      figures.faultsInjected += 1;
      expect(existsSync(paths.nextWarehouse)).toBe(false);
      expect(existsSync(`${paths.nextWarehouse}.wal`)).toBe(false);
      expect(readFileSync(paths.warehouse).equals(warehouseBefore)).toBe(true);
      expect(await queryFile(paths.warehouse, 'select count(*) as n from fct_inquiries')).toEqual([inquiriesBefore]);
      free();

      const raw = lostAndDoubled(input.bodies, await queryFile(paths.raw, 'select webhook_id from raw_whatsapp_webhooks'), 'webhook_id');
      figures.repetitions = 1;
      figures.recordsChecked = input.bodies.size;
      figures.lost = raw.lost.length;
      figures.doubled = raw.doubled.length;
      figures.notes.push(
        'completely full: `ingest` and `build` each stop with one line ("… no space left on device …; free space on that disk …", exit 1), no lock left behind',
        '1 MiB free: `build` stops with "build failed: … No space left on device; the previous warehouse is unchanged; free space …", its half-written file removed',
        'the 2,000 webhooks landed by the ingest after room was made are in raw.duckdb once each',
      );
      expect(raw.lost).toEqual([]);
      expect(raw.doubled).toEqual([]);
      passed = true;
    } finally {
      figures.seconds = time.seconds();
      recordFigures('disk-full-pipeline', figures, passed);
    }
  });
  it('a read-only data directory: every writer stops with one line, reads keep working, and nothing is lost once it is writable again', async () => {
    const time = budget(120);
    const figures = figuresFor('a read-only data directory', 'a month of demo data; build, ingest, keys create, serve and query against it');
    const small = disk(40);
    const paths = builtDeploymentOn(small);
    const count = async (): Promise<unknown> => (await queryFile(paths.raw, 'select count(*) as n from raw_whatsapp_messages'))[0];
    const before = await count();
    const [inquiries] = await queryFile(paths.warehouse, 'select count(*) as n from fct_inquiries');
    const input = webhookFile(tempDir('replywatch-input-'), 'RO', 500);
    let passed = false;
    try {
      small.remount('ro');
      const attempts = [
        await runCli(['--data', paths.root, 'build']),
        await runCli(['--data', paths.root, 'ingest', 'whatsapp', input.file]),
        await runCli(['--data', paths.root, 'keys', 'create', '--role', 'owner']),
        await runCli(['--data', paths.root, 'serve', '--port', '0', '--build-every', '0'], { WHATSAPP_APP_SECRET: 'test-app-secret-1234', WHATSAPP_VERIFY_TOKEN: 'token' }),
      ];
      for (const attempt of attempts) expectOneLineError(attempt, /read-only file system.*make the data directory writable/i);
      figures.faultsInjected = attempts.length;
      // Reading needs no writes: analysts keep querying.
      const query = await runCli(['--data', paths.root, 'query', 'select count(*) as n from fct_inquiries', '--format', 'json']);
      expect(query.code, query.stderr).toBe(0);
      expect(JSON.parse(query.stdout)).toEqual([inquiries]);

      small.remount('rw');
      expect(await count()).toEqual(before);
      const ingest = await runCli(['--data', paths.root, 'ingest', 'whatsapp', input.file]);
      expect(ingest.code, ingest.stderr).toBe(0);
      const raw = lostAndDoubled(input.bodies, await queryFile(paths.raw, 'select webhook_id from raw_whatsapp_webhooks'), 'webhook_id');
      figures.repetitions = 1;
      figures.recordsChecked = input.bodies.size;
      figures.lost = raw.lost.length;
      figures.doubled = raw.doubled.length;
      figures.notes.push(
        '`build`, `ingest`, `keys create` and `serve` each stop with one line ("… read-only file system …; … make the data directory writable …", exit 1); `query` answers',
        'raw.duckdb unchanged while read-only; the 500 webhooks ingested once it was writable again are there once each',
      );
      expect(raw.lost).toEqual([]);
      expect(raw.doubled).toEqual([]);
      passed = true;
    } finally {
      figures.seconds = time.seconds();
      recordFigures('read-only', figures, passed);
    }
  });
});
