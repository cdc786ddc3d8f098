/**
 * Shared by the pipeline workloads: dataset sizes, running the CLI as a child process with its
 * peak RSS sampled from /proc, and the full build (ingest every generated file, then build).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_SOURCE_FILES } from '../helpers/demo-sources.ts';
import type { BenchSize, Stats } from './workload.ts';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** The pinned "now" of every dataset: the same seed and end give the same bytes. */
export const BENCH_NOW = '2026-11-27T12:00:00+05:30';

export interface DatasetShape {
  months: number;
  inquiriesPerMonth: number;
  /** The incremental workload's new data: one month after the dataset's end, this many inquiries. */
  incrementalInquiries: number;
  /**
   * REPLYWATCH_MEMORY_LIMIT for every ingest and build of the size, unless the caller set one: the
   * default 1GB keeps 1m under its 2 GiB target, and 10m's target (6 GiB) leaves room for 4GB,
   * which the per-inquiry lists of 1.6M inquiries need (at 1GB DuckDB runs out of memory).
   */
  memoryLimit: string;
  /** REPLYWATCH_DBT_THREADS unless set: at 10m, two models at once ran out of memory together. */
  dbtThreads: number;
}

/**
 * About 7.8 messages an inquiry (build-scale's 3 × 55,000 gave 1,291,656 messages): quick ≈ 23k,
 * 1m ≈ 1.3M, 10m ≈ 10.3M. The incremental month of 1,300 inquiries is ≈ 10k messages.
 */
export const SHAPES: Record<BenchSize, DatasetShape> = {
  quick: { months: 1, inquiriesPerMonth: 3_000, incrementalInquiries: 130, memoryLimit: '1GB', dbtThreads: 2 },
  '1m': { months: 3, inquiriesPerMonth: 55_000, incrementalInquiries: 1_300, memoryLimit: '1GB', dbtThreads: 2 },
  '10m': { months: 3, inquiriesPerMonth: 550_000, incrementalInquiries: 1_300, memoryLimit: '4GB', dbtThreads: 1 },
};

export interface ChildResult {
  seconds: number;
  peakRssBytes: number;
  status: number;
  stderr: string;
}

/** Resident set size of a process and all its descendants, in bytes (0 for a process already gone). */
export function treeRssBytes(pid: number): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) total += Number(match[1]) * 1024;
  } catch {
    return 0;
  }
  for (const child of childPids(pid)) total += treeRssBytes(child);
  return total;
}

function childPids(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const task of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/)) {
        if (child) children.push(Number(child));
      }
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return children;
}

/** Runs a command, sampling the summed RSS of its process tree every 100 ms; rejects on a non-zero exit not in `okStatus`. */
export function runMeasured(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; okStatus?: number[] } = {},
): Promise<ChildResult> {
  const okStatus = options.okStatus ?? [0];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let peak = 0;
    let stderr = '';
    const sample = () => {
      if (child.pid !== undefined) peak = Math.max(peak, treeRssBytes(child.pid));
    };
    const timer = setInterval(sample, 100);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8_000);
    });
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      const status = code ?? 1;
      if (!okStatus.includes(status)) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal}:\n${stderr.split('\n').slice(-15).join('\n')}`));
        return;
      }
      resolve({ seconds, peakRssBytes: peak, status, stderr });
    });
    sample();
  });
}

/** `replywatch --data <dataDir> ...args` with the pinned (or given) "now". Exit 2 (some records quarantined) counts as success. */
export function replywatch(dataDir: string, args: string[], now = BENCH_NOW): Promise<ChildResult> {
  return runMeasured(process.execPath, [join(REPO_ROOT, 'bin', 'replywatch.js'), '--data', dataDir, ...args], {
    env: { ...process.env, REPLYWATCH_NOW: now, NO_COLOR: '1' },
    okStatus: [0, 2],
  });
}

export interface BuildTimings {
  /** 6 × `replywatch ingest --land-only`: the source files appended to the landing log, as the receiver does. */
  landSeconds: number;
  /** `replywatch build` over the whole landing log: load into raw.duckdb, dbt build, swap (the full build). */
  buildSeconds: number;
  /** Of buildSeconds, the load into raw.duckdb (the build's "segments loaded in Ns" lines); undefined if not printed. */
  loadSeconds: number | undefined;
  /** Peak RSS of the build process, and of the landing processes. */
  peakRssBytes: number;
  landPeakRssBytes: number;
}

/**
 * Lands every generated file in `sourcesDir` into `dataDir` (one `replywatch ingest --land-only` per
 * kind, in load order), then builds: the build loads the whole landing log into an empty
 * raw.duckdb, runs dbt and swaps, which is the "full build".
 */
export async function landAndBuild(dataDir: string, sourcesDir: string, now = BENCH_NOW): Promise<BuildTimings> {
  let landSeconds = 0;
  let landPeak = 0;
  for (const [kind, file] of DEMO_SOURCE_FILES) {
    const result = await replywatch(dataDir, ['ingest', '--land-only', kind, join(sourcesDir, file)], now);
    landSeconds += result.seconds;
    landPeak = Math.max(landPeak, result.peakRssBytes);
  }
  const build = await replywatch(dataDir, ['build'], now);
  return { landSeconds, buildSeconds: build.seconds, loadSeconds: loadSecondsOf(build.stderr), peakRssBytes: build.peakRssBytes, landPeakRssBytes: landPeak };
}

/** The seconds a command spent loading landing into raw.duckdb, from its progress lines. */
export function loadSecondsOf(stderr: string): number | undefined {
  const passes = [...stderr.matchAll(/segments? loaded(?:, \d+ repaired)? in (\d+(?:\.\d+)?)s/g)].map((match) => Number(match[1]));
  return passes.length ? passes.reduce((total, seconds) => total + seconds, 0) : undefined;
}

/** The dbt nodes of the last build in `dataDir`, slowest first (from <data>/.dbt/target/run_results.json). */
export function slowestDbtNodes(dbtTarget: string, count = 10): Array<{ name: string; seconds: number }> {
  try {
    const results = JSON.parse(readFileSync(join(dbtTarget, 'run_results.json'), 'utf8')) as {
      results: Array<{ unique_id: string; execution_time: number }>;
    };
    return results.results
      .map((result) => ({ name: result.unique_id.replace(/^(\w+)\.replywatch\./, '$1 '), seconds: result.execution_time }))
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, count);
  } catch {
    return [];
  }
}

/** The sum of dbt's per-node execution times by resource type (model, test, unit_test, seed…). */
export function dbtTimeByType(dbtTarget: string): Array<{ name: string; seconds: number }> {
  try {
    const results = JSON.parse(readFileSync(join(dbtTarget, 'run_results.json'), 'utf8')) as {
      results: Array<{ unique_id: string; execution_time: number }>;
      elapsed_time?: number;
    };
    const byType = new Map<string, { seconds: number; count: number }>();
    for (const result of results.results) {
      const type = result.unique_id.split('.')[0]!;
      const entry = byType.get(type) ?? { seconds: 0, count: 0 };
      entry.seconds += result.execution_time;
      entry.count += 1;
      byType.set(type, entry);
    }
    const rows = [...byType].map(([type, entry]) => ({ name: `${type} (${entry.count} nodes, summed)`, seconds: entry.seconds }));
    if (results.elapsed_time !== undefined) rows.push({ name: 'dbt elapsed (wall clock)', seconds: results.elapsed_time });
    return rows.sort((a, b) => b.seconds - a.seconds);
  } catch {
    return [];
  }
}

export function formatSeconds(seconds: number): string {
  return seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(1)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** "met" / "missed by …" for a median against a ceiling. */
export function againstCeiling(value: number, ceiling: number, format: (value: number) => string): { met: boolean; note: string } {
  return value <= ceiling ? { met: true, note: `met (≤ ${format(ceiling)})` } : { met: false, note: `missed by ${format(value - ceiling)} (${(value / ceiling).toFixed(1)}× the ${format(ceiling)} target)` };
}

export function median(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const medianValue = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median: medianValue, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}
