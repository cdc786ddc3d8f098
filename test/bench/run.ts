/**
 * The benchmark suite of issue 7: every workload (test/bench/workloads/*.ts and the HTTP ones in
 * test/bench/http/) run against one dataset generated, ingested and built in this run, each timing
 * reported beside its floor measured in the same run, as medians over runs, into BENCHMARKS.md.
 *
 *   npm run bench -- [--size quick|1m|10m] [--runs N] [--only build,dashboard] [--out BENCHMARKS.md] [--keep]
 *
 * quick ≈ 23k messages, 1m ≈ 1.3M (3 months × 55,000 inquiries), 10m ≈ 10M. --runs defaults to each
 * workload's own default for the size, else 3 for quick and 1 for the big sizes. Not part of `npm test`.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { formatBytes, median, REPO_ROOT, SHAPES } from './common.ts';
import type { BenchContext, BenchSize, Measurement, MeasurementSummary, ProfileSection, Stats, Workload } from './workload.ts';
import { buildWorkload, prepareDataDir } from './workloads/build.ts';
import { dashboardWorkload } from './workloads/dashboard.ts';
import { generatorWorkload, recordPreparedGeneration } from './workloads/generator.ts';
import { incrementalWorkload } from './workloads/incremental.ts';

const SIZES: BenchSize[] = ['quick', '1m', '10m'];
/** The HTTP workloads, loaded by path so a missing or broken one is skipped with a note, not a crash. */
const HTTP_WORKLOADS: Array<{ name: string; module: string; exportName: string }> = [
  { name: 'webhook receiver', module: './http/webhook-receiver.ts', exportName: 'webhookReceiver' },
  { name: 'alert API', module: './http/alert-api.ts', exportName: 'alertApi' },
];

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'quick' },
    runs: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    keep: { type: 'boolean', default: false },
  },
});
const size = values.size as BenchSize;
if (!SIZES.includes(size)) fail(`--size must be one of ${SIZES.join(', ')}, not "${values.size}"`);
const runsFlag = values.runs === undefined ? undefined : Number(values.runs);
if (runsFlag !== undefined && !(Number.isInteger(runsFlag) && runsFlag > 0)) fail(`--runs must be a positive whole number, not "${values.runs}"`);
const only = values.only?.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
const outFile = isAbsolute(values.out!) ? values.out! : resolve(process.env.INIT_CWD ?? process.cwd(), values.out!);
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Matches --only against a workload's name: exact, or without spaces ("webhook-receiver", "alertapi"). */
function selected(name: string): boolean {
  if (!only) return true;
  const simple = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return only.some((wanted) => simple(wanted) === simple(name));
}

async function loadWorkloads(notes: string[]): Promise<Workload[]> {
  const workloads: Workload[] = [generatorWorkload, buildWorkload, dashboardWorkload];
  for (const http of HTTP_WORKLOADS) {
    if (!selected(http.name)) continue;
    try {
      const module = (await import(http.module)) as Record<string, unknown>;
      const workload = (module[http.exportName] ?? module.default) as Workload | undefined;
      if (!workload || typeof workload.run !== 'function') throw new Error(`exports no workload (${http.exportName} or default)`);
      workloads.push(workload);
    } catch (error) {
      const note = `${http.name}: skipped — ${http.module} could not be loaded (${(error as Error).message.split('\n')[0]})`;
      notes.push(note);
      log(note);
    }
  }
  // Last: it copies the shared data directory and rebuilds the copy.
  workloads.push(incrementalWorkload);
  return workloads.filter((workload) => selected(workload.name));
}

interface WorkloadReport {
  workload: Workload;
  runs: number;
  summaries: MeasurementSummary[];
  errors: string[];
  profile: ProfileSection[];
}

function summarise(runs: Measurement[][]): MeasurementSummary[] {
  const labels: string[] = [];
  for (const run of runs) for (const measurement of run) if (!labels.includes(measurement.label)) labels.push(measurement.label);
  return labels.map((label) => {
    const seconds: number[] = [];
    const ratios: number[] = [];
    const rss: number[] = [];
    const extras = new Map<string, number[] | string>();
    let ratioTo: string | undefined;
    let count = 0;
    for (const run of runs) {
      const measurement = run.find((candidate) => candidate.label === label);
      if (!measurement) continue;
      count += 1;
      if (measurement.seconds !== undefined) seconds.push(measurement.seconds);
      if (measurement.peakRssBytes !== undefined) rss.push(measurement.peakRssBytes);
      if (measurement.ratioTo !== undefined) {
        ratioTo = measurement.ratioTo;
        const floor = run.find((candidate) => candidate.label === measurement.ratioTo);
        if (floor?.seconds && measurement.seconds !== undefined) ratios.push(measurement.seconds / floor.seconds);
      }
      for (const [key, value] of Object.entries(measurement.extra ?? {})) {
        if (typeof value === 'number') {
          const list = extras.get(key);
          extras.set(key, Array.isArray(list) ? [...list, value] : [value]);
        } else extras.set(key, value);
      }
    }
    const summary: MeasurementSummary = {
      label,
      runs: count,
      extra: Object.fromEntries([...extras].map(([key, value]) => [key, Array.isArray(value) ? median(value) : value])),
    };
    if (seconds.length) summary.seconds = median(seconds);
    if (ratios.length) summary.ratio = median(ratios);
    if (ratioTo !== undefined) summary.ratioTo = ratioTo;
    if (rss.length) summary.peakRssBytes = median(rss);
    return summary;
  });
}

// ---- formatting -------------------------------------------------------------------------------

function time(seconds: number): string {
  if (seconds < 0.001) return `${(seconds * 1e6).toFixed(0)} µs`;
  if (seconds < 1) return `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms`;
  return seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(1)} s`;
}

function number(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en');
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : value.toPrecision(3);
}

function ratio(value: number): string {
  return value < 0.1 ? `${(value * 100).toFixed(1)}%` : `${value.toFixed(2)}×`;
}

function range(stats: Stats | undefined, format: (value: number) => string): string {
  if (!stats) return '';
  return stats.min === stats.max ? format(stats.median) : `${format(stats.median)} (${format(stats.min)}–${format(stats.max)})`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function workloadSection(report: WorkloadReport): string {
  const { workload, summaries } = report;
  const lines = [`### ${workload.name}`, '', `Target: ${workload.target}`, '', `Runs: ${report.runs}.`, ''];
  if (summaries.length) {
    lines.push('| measurement | median | min | max | floor | ratio to floor (median, min–max) | peak RSS | target |', '|---|---|---|---|---|---|---|---|');
    for (const summary of summaries) {
      const verdict = workload.check?.(summary, size);
      const floorSummary = summaries.find((candidate) => candidate.label === summary.ratioTo);
      lines.push(
        '| ' +
          [
            summary.label,
            summary.seconds ? time(summary.seconds.median) : '',
            summary.seconds ? time(summary.seconds.min) : '',
            summary.seconds ? time(summary.seconds.max) : '',
            summary.ratioTo ? `${summary.ratioTo}${floorSummary?.seconds ? ` (${time(floorSummary.seconds.median)})` : ''}` : '',
            range(summary.ratio, ratio),
            range(summary.peakRssBytes, formatBytes),
            verdict ? `${verdict.met ? '✅' : '❌'} ${verdict.note}` : '',
          ]
            .map(cell)
            .join(' | ') +
          ' |',
      );
    }
    const extras = summaries.filter((summary) => Object.keys(summary.extra).length);
    if (extras.length) {
      lines.push('');
      for (const summary of extras) {
        const parts = Object.entries(summary.extra).map(([key, value]) => `${key} ${typeof value === 'string' ? value : range(value, number)}`);
        lines.push(`- ${summary.label}: ${parts.join('; ')}`);
      }
    }
  }
  for (const error of report.errors) lines.push('', `**Failed:** ${cell(error)}`);
  return lines.join('\n');
}

function profileSection(reports: WorkloadReport[]): string {
  const lines = ['## Where the time goes', ''];
  const sections = reports.flatMap((report) => report.profile);
  if (!sections.length) lines.push('(no profile: none of the selected workloads records one)');
  for (const section of sections) {
    lines.push(`### ${section.title}`, '');
    if (!section.rows.length) {
      lines.push('(nothing recorded)', '');
      continue;
    }
    lines.push('| | seconds |', '|---|---|');
    for (const row of section.rows) lines.push(`| ${cell(row.name)} | ${row.seconds.toFixed(2)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

async function duckdbVersion(): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return String((await connection.runAndReadAll('select version() as v')).getRowObjectsJS()[0]!.v);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function pinned(file: string, pattern: RegExp): string {
  try {
    return pattern.exec(readFileSync(join(REPO_ROOT, file), 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

// ---- the run --------------------------------------------------------------------------------

// From the process start: module loading counts toward the run.
const started = Date.now() - performance.now();
const root = mkdtempSync(join(tmpdir(), `replywatch-bench-${size}-`));
const context: BenchContext = {
  size,
  dataDir: join(root, 'data'),
  repoRoot: REPO_ROOT,
  log,
  tempDir(prefix: string) {
    return mkdtempSync(join(root, prefix.replace(/[^\w.-]/g, '-')));
  },
};
mkdirSync(context.dataDir);
const notes: string[] = [];
const cleanup = () => {
  if (!values.keep) rmSync(root, { recursive: true, force: true });
};
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});

const reports: WorkloadReport[] = [];
let dataset = '';
try {
  const workloads = await loadWorkloads(notes);
  if (!workloads.length) {
    cleanup();
    fail(`--only ${values.only} selects no workload`);
  }
  log(`size ${size}, workloads: ${workloads.map((workload) => workload.name).join(', ')}; scratch ${root}`);

  process.env.REPLYWATCH_MEMORY_LIMIT ||= SHAPES[size].memoryLimit;
  process.env.REPLYWATCH_DBT_THREADS ||= String(SHAPES[size].dbtThreads);
  log(`DuckDB memory limit ${process.env.REPLYWATCH_MEMORY_LIMIT}, dbt threads ${process.env.REPLYWATCH_DBT_THREADS}`);
  const prepareStarted = Date.now();
  recordPreparedGeneration(await prepareDataDir(context.dataDir, size, (message) => log(`prepare: ${message}`)));
  const [counts] = await queryFile(
    dataPaths(context.dataDir).warehouse,
    'select (select count(*) from int_messages_unified) as messages, (select count(*) from fct_inquiries) as inquiries',
  );
  const shape = SHAPES[size];
  dataset =
    `${shape.months} month(s) × ${shape.inquiriesPerMonth.toLocaleString('en')} inquiries a month (\`replywatch generate\`, seed 42): ` +
    `${Number(counts!.messages).toLocaleString('en')} messages, ${Number(counts!.inquiries).toLocaleString('en')} inquiries in the warehouse`;
  log(`prepare: ${dataset} (${((Date.now() - prepareStarted) / 1000).toFixed(0)} s)`);

  for (const workload of workloads) {
    const runs = runsFlag ?? workload.defaultRuns?.[size] ?? (size === 'quick' ? 3 : 1);
    const results: Measurement[][] = [];
    const errors: string[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const runStarted = Date.now();
      const workloadContext: BenchContext = { ...context, log: (message) => log(`${workload.name} ${run}/${runs}: ${message}`) };
      try {
        results.push(await workload.run(workloadContext));
        log(`${workload.name} run ${run}/${runs} done in ${((Date.now() - runStarted) / 1000).toFixed(1)} s`);
      } catch (error) {
        const message = (error as Error).message;
        errors.push(`run ${run}: ${message.split('\n').slice(0, 6).join(' / ')}`);
        log(`${workload.name} run ${run}/${runs} FAILED: ${message}`);
      }
    }
    let profile: ProfileSection[] = [];
    try {
      profile = workload.profile?.() ?? [];
    } catch (error) {
      errors.push(`profile: ${(error as Error).message}`);
    }
    reports.push({ workload, runs: results.length, summaries: summarise(results), errors, profile });
  }
} finally {
  cleanup();
}

const totalSeconds = (Date.now() - started) / 1000;
const cpu = cpus();
const document = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (test/bench/run.ts; issue 7). Every timing is a median over the runs, beside a floor measured',
  'in the same run on the same machine: the machine is shared and noisy, so the ratio to the floor is the figure to compare',
  'across machines and days, not the seconds.',
  '',
  `- Command: \`${command}\``,
  `- Date: ${new Date(started).toISOString()}; the whole run took ${time(totalSeconds)}`,
  `- Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${formatBytes(totalmem())} RAM (${process.platform} ${process.arch})`,
  `- Node.js ${process.versions.node}; DuckDB ${await duckdbVersion()} (@duckdb/node-api ${pinned('package.json', /"@duckdb\/node-api": "([^"]+)"/)}); dbt-core ${pinned('requirements.txt', /^dbt-core==(\S+)/m)}, dbt-duckdb ${pinned('requirements.txt', /^dbt-duckdb==(\S+)/m)}`,
  `- Size: ${size} — ${dataset || '(the dataset was not prepared)'}; DuckDB memory limit ${process.env.REPLYWATCH_MEMORY_LIMIT ?? SHAPES[size].memoryLimit}, dbt threads ${process.env.REPLYWATCH_DBT_THREADS ?? SHAPES[size].dbtThreads}`,
  ...notes.map((note) => `- Note: ${note}`),
  '',
  '## Results',
  '',
  ...reports.map((report) => `${workloadSection(report)}\n`),
  profileSection(reports),
].join('\n');
writeFileSync(outFile, `${document.trimEnd()}\n`);
log(`wrote ${relative(process.cwd(), outFile) || outFile} (${time(totalSeconds)} in all)`);
if (reports.some((report) => report.errors.length)) process.exitCode = 1;
