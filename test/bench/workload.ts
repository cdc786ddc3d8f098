/**
 * The interface between the benchmark harness (test/bench/run.ts) and its
 * workloads (test/bench/workloads/*.ts, test/bench/http/*.ts).
 *
 * A workload is run `runs` times by the harness; each run returns a list of
 * measurements. The harness takes the median/min/max of every measurement's
 * `seconds` (and of every numeric `extra`) across runs, and computes the ratio
 * of a measurement to its floor (the measurement named by `ratioTo`, taken in
 * the same run) before taking medians.
 */

export type BenchSize = 'quick' | '1m' | '10m';

export interface BenchContext {
  size: BenchSize;
  /** A data directory that has been generated, ingested and built (warehouse present). Treat as read-only. */
  dataDir: string;
  /** Absolute path of the repository root (where package.json and bin/replywatch.js live). */
  repoRoot: string;
  /** Progress on stderr, prefixed with the workload name. */
  log(message: string): void;
  /** A fresh temporary directory, removed by the harness at the end unless --keep. */
  tempDir(prefix: string): string;
}

export interface Measurement {
  /** Unique within the workload, stable across runs, e.g. 'build', 'floor: duckdb read', 'req/s'. */
  label: string;
  /** Wall-clock seconds, if the measurement is a duration. */
  seconds?: number;
  /** Label of this measurement's floor in the same run; the harness reports seconds / floor seconds. */
  ratioTo?: string;
  /** Peak resident set size in bytes (summed over a process tree). */
  peakRssBytes?: number;
  /** Any other figures (numbers are aggregated with median/min/max across runs; strings are kept from the last run). */
  extra?: Record<string, string | number>;
}

export interface Workload {
  name: string;
  /** The issue's target for this workload, in words (shown in BENCHMARKS.md). */
  target: string;
  run(context: BenchContext): Promise<Measurement[]>;
  /**
   * Optional: judge a measurement's median against the target. Returns undefined when the target
   * does not apply to this label/size, otherwise whether it was met and a note ("missed by 12 s").
   */
  check?(summary: MeasurementSummary, size: BenchSize): { met: boolean; note: string } | undefined;
  /** Optional: default number of runs per size when --runs is not given (the harness default: 3 for quick, 1 otherwise). */
  defaultRuns?: Partial<Record<BenchSize, number>>;
  /** Optional: called after the last run; sections for BENCHMARKS.md's "Where the time goes" (rows: name, seconds). */
  profile?(): ProfileSection[];
}

export interface ProfileSection {
  title: string;
  rows: Array<{ name: string; seconds: number }>;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
}

export interface MeasurementSummary {
  label: string;
  runs: number;
  seconds?: Stats;
  ratio?: Stats;
  ratioTo?: string;
  peakRssBytes?: Stats;
  extra: Record<string, Stats | string>;
}
