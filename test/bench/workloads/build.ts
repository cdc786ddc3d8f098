/**
 * Full build, as the issue defines it: `replywatch build` over a landing log that holds every
 * generated file and an empty raw.duckdb (load landing → raw, dbt build into the next warehouse,
 * the swap). The files are landed first with `replywatch ingest --land-only`, as the webhook
 * receiver lands webhooks, and that time is reported beside it. The floor: DuckDB alone reading
 * every byte of the same landing files into one table.
 *
 * The harness prepares the shared data directory with `prepareDataDir` (generate, land, build);
 * that build is this workload's first run, so the big sizes build once, not twice.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from '../../../lib/data-paths.ts';
import { againstCeiling, dbtTimeByType, formatBytes, formatSeconds, landAndBuild, replywatch, SHAPES, slowestDbtNodes, type BuildTimings } from '../common.ts';
import type { BenchContext, BenchSize, Measurement, ProfileSection, Workload } from '../workload.ts';

let prepared: BuildTimings | undefined;
let lastFullBuild: number | undefined;

/** Seconds of the most recent full build (`replywatch build` over the whole landing log) in this run: the incremental workload's floor. */
export function lastFullBuildSeconds(): number | undefined {
  return lastFullBuild;
}
let profile: ProfileSection[] = [];

/** Generates the size's dataset into `dataDir/sources`, then lands and builds it; returns the generator's seconds and peak RSS. */
export async function prepareDataDir(dataDir: string, size: BenchSize, log: (message: string) => void): Promise<{ seconds: number; peakRssBytes: number }> {
  const shape = SHAPES[size];
  log(`generating ${shape.months} month(s) × ${shape.inquiriesPerMonth.toLocaleString('en-IN')} inquiries a month into ${dataDir}`);
  const generate = await replywatch(dataDir, ['generate', '--months', String(shape.months), '--inquiries-per-month', String(shape.inquiriesPerMonth)]);
  log(`generated in ${formatSeconds(generate.seconds)}; landing and building`);
  prepared = await landAndBuild(dataDir, dataPaths(dataDir).sources);
  lastFullBuild = prepared.buildSeconds;
  recordProfile(dataDir, prepared);
  log(`landing ${formatSeconds(prepared.landSeconds)}; full build ${formatSeconds(prepared.buildSeconds)}`);
  return { seconds: generate.seconds, peakRssBytes: generate.peakRssBytes };
}

function recordProfile(dataDir: string, timings: BuildTimings): void {
  const target = dataPaths(dataDir).dbtTarget;
  const byType = dbtTimeByType(target);
  const dbtElapsed = byType.find((row) => row.name.startsWith('dbt elapsed'))?.seconds;
  profile = [
    {
      title: 'full build: the phases (wall clock)',
      rows: [
        { name: 'before the build: 6 × `replywatch ingest --land-only` (the source files appended to the landing log)', seconds: timings.landSeconds },
        { name: 'full build: `replywatch build`', seconds: timings.buildSeconds },
        ...(timings.loadSeconds !== undefined ? [{ name: '↳ load landing → raw.duckdb', seconds: timings.loadSeconds }] : []),
        ...(dbtElapsed !== undefined ? [{ name: '↳ dbt build (run_results.json elapsed_time)', seconds: dbtElapsed }] : []),
        ...(dbtElapsed !== undefined && timings.loadSeconds !== undefined
          ? [{ name: '↳ the rest (node, dbt start-up and parse, the checkpoint and swap)', seconds: timings.buildSeconds - timings.loadSeconds - dbtElapsed }]
          : []),
      ],
    },
    { title: 'dbt: the 10 slowest nodes of the full build (run_results.json execution_time)', rows: slowestDbtNodes(target, 10) },
    { title: 'dbt: time by node type (summed over nodes; with more than one dbt thread the sum can exceed the wall clock)', rows: byType },
  ];
}

/** Every landing segment (the manifest excepted). */
export function landingFiles(dataDir: string): string[] {
  const landing = dataPaths(dataDir).landing;
  const files: string[] = [];
  for (const kind of readdirSync(landing)) {
    const dir = join(landing, kind);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) if (/\.ndjson(\.gz)?$/.test(file)) files.push(join(dir, file));
  }
  return files.sort();
}

/** The floor: DuckDB reading every landing line (as raw JSON) into one table of a fresh database file. */
export async function duckdbFloor(dataDir: string, scratchDir: string): Promise<{ seconds: number; rows: number; bytes: number }> {
  const files = landingFiles(dataDir);
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const path = join(scratchDir, 'floor.duckdb');
  rmSync(path, { force: true });
  const started = performance.now();
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const list = files.map((file) => `'${file.replaceAll("'", "''")}'`).join(', ');
    await connection.run(`create table landing as select * from read_ndjson_objects([${list}])`);
    await connection.run('checkpoint');
    const seconds = (performance.now() - started) / 1000;
    const reader = await connection.runAndReadAll('select count(*) as n from landing');
    return { seconds, rows: Number(reader.getRowObjectsJS()[0]!.n), bytes };
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(path, { force: true });
    rmSync(`${path}.wal`, { force: true });
  }
}

const FLOOR = 'floor: duckdb reads landing';
const FULL_BUILD = 'full build: `replywatch build` (load landing → raw, dbt, swap)';

export const buildWorkload: Workload = {
  name: 'build',
  target: '1m: ≤ 90 s, peak RSS ≤ 2 GiB, ≤ 4× the floor; 10m: ≤ 15 min, peak RSS ≤ 6 GiB. Floor: DuckDB alone reading the same landing files into one table.',
  defaultRuns: { quick: 1 },
  async run(context: BenchContext): Promise<Measurement[]> {
    let timings: BuildTimings;
    if (prepared) {
      timings = prepared;
      prepared = undefined;
      context.log('using the build that prepared the shared data directory');
    } else {
      const dataDir = context.tempDir('build-data-');
      timings = await landAndBuild(dataDir, dataPaths(context.dataDir).sources);
      recordProfile(dataDir, timings);
      rmSync(dataDir, { recursive: true, force: true });
      lastFullBuild = timings.buildSeconds;
    }
    const floor = await duckdbFloor(context.dataDir, context.tempDir('build-floor-'));
    context.log(
      `landing ${formatSeconds(timings.landSeconds)}; full build ${formatSeconds(timings.buildSeconds)} ` +
        `(load ${timings.loadSeconds === undefined ? '?' : formatSeconds(timings.loadSeconds)}), peak ${formatBytes(timings.peakRssBytes)}; ` +
        `floor ${formatSeconds(floor.seconds)} (${floor.rows.toLocaleString('en-IN')} lines, ${formatBytes(floor.bytes)})`,
    );
    const ratioTo = FLOOR;
    return [
      { label: FLOOR, seconds: floor.seconds, extra: { 'landing lines': floor.rows, 'landing MiB': floor.bytes / 1024 ** 2 } },
      { label: FULL_BUILD, seconds: timings.buildSeconds, ratioTo, peakRssBytes: timings.peakRssBytes },
      ...(timings.loadSeconds !== undefined
        ? [
            { label: '↳ load landing → raw.duckdb', seconds: timings.loadSeconds, ratioTo },
            { label: '↳ dbt build, checkpoint and swap', seconds: timings.buildSeconds - timings.loadSeconds, ratioTo },
          ]
        : []),
      { label: 'before it: landing the source files (6 × ingest --land-only)', seconds: timings.landSeconds, ratioTo, peakRssBytes: timings.landPeakRssBytes },
      { label: 'from the source files: landing + full build', seconds: timings.landSeconds + timings.buildSeconds, ratioTo },
    ];
  },
  check(summary, size) {
    if (summary.label !== FULL_BUILD || !summary.seconds) return undefined;
    const notes: string[] = [];
    let met = true;
    const add = (result: { met: boolean; note: string }, what: string) => {
      met &&= result.met;
      notes.push(`${what} ${result.note}`);
    };
    if (summary.ratio) add(againstCeiling(summary.ratio.median, 4, (value) => `${value.toFixed(1)}×`), 'ratio');
    if (size === '1m') add(againstCeiling(summary.seconds.median, 90, formatSeconds), 'time');
    if (size === '10m') add(againstCeiling(summary.seconds.median, 15 * 60, formatSeconds), 'time');
    const rssCeiling = size === '10m' ? 6 * 1024 ** 3 : size === '1m' ? 2 * 1024 ** 3 : undefined;
    if (rssCeiling !== undefined && summary.peakRssBytes) add(againstCeiling(summary.peakRssBytes.median, rssCeiling, formatBytes), 'RSS');
    return { met, note: `${size === 'quick' ? 'at quick size (the targets are set for 1m): ' : ''}${notes.join('; ')}` };
  },
  profile: () => profile,
};
