import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/run-cli.ts';

/**
 * The knobs of the fault-injection suites. `npm test` runs each fault a few times (the fast
 * variant); `npm run test:chaos` (vitest.chaos.config.ts sets REPLYWATCH_CHAOS=1) runs many
 * repetitions, each suite bounded by a time budget, and writes what it did to
 * test-output/reliability/<fault>.json for RELIABILITY.md.
 */
export const CHAOS = process.env.REPLYWATCH_CHAOS === '1';

/** Repetitions: CHAOS_REPETITIONS when set, else `fast` under npm test and `long` under test:chaos. */
export function repetitions(fast: number, long: number): number {
  const fromEnv = Number(process.env.CHAOS_REPETITIONS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return CHAOS ? long : fast;
}

/**
 * A deadline for a long run's repetitions (CHAOS_BUDGET_SECONDS, default `seconds`): a suite stops
 * starting new repetitions once it has passed, so the chaos run is bounded in time. The fast
 * variant has no budget: its few repetitions always run.
 */
export function budget(seconds: number): { left(): boolean; seconds(): number } {
  const started = Date.now();
  const fromEnv = Number(process.env.CHAOS_BUDGET_SECONDS);
  const limit = (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : seconds) * 1000;
  return { left: () => !CHAOS || Date.now() - started < limit, seconds: () => (Date.now() - started) / 1000 };
}

/** The seed of this run's random kill moments and fault schedules (CHAOS_SEED, default 20261127); printed with every failure. */
export const SEED = Number(process.env.CHAOS_SEED) || 20261127;

/** A small seeded generator (mulberry32): the same seed, the same kill moments. */
export function seededRandom(seed: number): { next(): number; between(low: number, high: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, between: (low, high) => low + (high - low) * next(), pick: (items) => items[Math.floor(next() * items.length)]! };
}

/** What one fault suite did, as RELIABILITY.md reports it. */
export interface FaultFigures {
  fault: string;
  /** The load held while faults were injected, in words. */
  load: string;
  repetitions: number;
  faultsInjected: number;
  /** Records (webhooks, rows, notifications) the system said it accepted, then checked. */
  recordsChecked: number;
  lost: number;
  doubled: number;
  /** Anything else worth a line: kill moments, latencies, what the user saw. */
  notes: string[];
  seed: number;
  seconds: number;
}

/**
 * Writes a suite's figures (long runs only, so a fast run never overwrites a long run's). Call it
 * from a `finally`, with `passed` true only when every assertion held: a failed run is reported too.
 */
export function recordFigures(id: string, figures: FaultFigures, passed: boolean): void {
  if (!CHAOS) return;
  const dir = join(REPO, 'test-output', 'reliability');
  mkdirSync(dir, { recursive: true });
  const result = passed && figures.lost === 0 && figures.doubled === 0 ? 'pass' : 'FAIL';
  writeFileSync(join(dir, `${id}.json`), `${JSON.stringify({ id, ...figures, result }, null, 2)}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
