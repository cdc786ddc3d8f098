/**
 * Incremental: new messages on top of the full build — a month after the dataset's end, from another
 * seed (≈ 10k messages for 1m and 10m, ≈ 1k for quick) — ingested (whatsapp, outbound, inbox) and
 * built, on a copy of the shared data directory. The floor: the full build of the same run. Also a
 * rebuild with nothing new (on the copy, before the new data): the fixed cost of any build.
 */
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from '../../../lib/data-paths.ts';
import { againstCeiling, BENCH_NOW, dbtTimeByType, formatSeconds, replywatch, SHAPES, slowestDbtNodes } from '../common.ts';
import type { BenchContext, Measurement, ProfileSection, Workload } from '../workload.ts';
import { lastFullBuildSeconds } from './build.ts';

/** A month after BENCH_NOW: the new data's "now", and the rebuild's. */
const LATER_NOW = '2026-12-27T12:00:00+05:30';
const MESSAGE_FILES: Array<[kind: string, file: string]> = [
  ['whatsapp', 'whatsapp.ndjson'],
  ['outbound', 'outbound.ndjson'],
  ['inbox', 'inbox.ndjson'],
];
let newSources: { dir: string; lines: number } | undefined;
let profile: ProfileSection[] = [];

function countLines(file: string): number {
  let lines = 0;
  const text = readFileSync(file);
  for (let index = text.indexOf(10); index !== -1; index = text.indexOf(10, index + 1)) lines += 1;
  return lines;
}

async function generateNewSources(context: BenchContext): Promise<{ dir: string; lines: number }> {
  if (newSources) return newSources;
  const dir = context.tempDir('incremental-new-');
  const inquiries = SHAPES[context.size].incrementalInquiries;
  await replywatch(dir, ['generate', '--months', '1', '--inquiries-per-month', String(inquiries), '--seed', '7', '--end', LATER_NOW], LATER_NOW);
  const sources = dataPaths(dir).sources;
  const lines = MESSAGE_FILES.reduce((sum, [, file]) => sum + countLines(join(sources, file)), 0);
  context.log(`generated ${lines.toLocaleString('en-IN')} new message lines (${inquiries} inquiries, ${BENCH_NOW} → ${LATER_NOW})`);
  newSources = { dir: sources, lines };
  return newSources;
}

export const incrementalWorkload: Workload = {
  name: 'incremental',
  target: '10k new messages on top of 1m, ingest + build: ≤ 20 s, and ≤ 10% of the full build. Floor: the full build of the same run.',
  defaultRuns: { quick: 1 },
  async run(context: BenchContext): Promise<Measurement[]> {
    const fresh = await generateNewSources(context);
    const copy = context.tempDir('incremental-data-');
    for (const entry of readdirSync(context.dataDir)) {
      if (entry === 'sources' || entry === '.leases' || entry.startsWith('.pipeline.lock')) continue;
      cpSync(join(context.dataDir, entry), join(copy, entry), { recursive: true });
    }
    // What any build costs with no new data (build-scale's "rebuild, nothing new"): the fixed part.
    // Skipped at quick size, where every build is mostly that fixed part, to keep the run under 2 minutes.
    const unchanged = context.size === 'quick' ? undefined : await replywatch(copy, ['build'], BENCH_NOW);
    let ingestSeconds = 0;
    let peak = 0;
    for (const [kind, file] of MESSAGE_FILES) {
      const result = await replywatch(copy, ['ingest', kind, join(fresh.dir, file)], LATER_NOW);
      ingestSeconds += result.seconds;
      peak = Math.max(peak, result.peakRssBytes);
    }
    const build = await replywatch(copy, ['build'], LATER_NOW);
    const target = dataPaths(copy).dbtTarget;
    profile = [
      { title: 'dbt: the 10 slowest nodes of the incremental build', rows: slowestDbtNodes(target, 10) },
      { title: 'dbt: incremental build, time by node type (summed over nodes)', rows: dbtTimeByType(target) },
    ];
    rmSync(copy, { recursive: true, force: true });
    const full = lastFullBuildSeconds();
    context.log(`ingest ${formatSeconds(ingestSeconds)} + build ${formatSeconds(build.seconds)}; full build ${full === undefined ? '?' : formatSeconds(full)}`);
    const measurements: Measurement[] = [
      {
        label: 'incremental (ingest + build)',
        seconds: ingestSeconds + build.seconds,
        peakRssBytes: Math.max(peak, build.peakRssBytes),
        extra: { 'new message lines': fresh.lines },
      },
      { label: 'incremental ingest', seconds: ingestSeconds },
      { label: 'incremental build', seconds: build.seconds },
      ...(unchanged ? [{ label: 'rebuild, nothing new', seconds: unchanged.seconds, peakRssBytes: unchanged.peakRssBytes }] : []),
    ];
    if (full !== undefined) {
      measurements.unshift({ label: 'floor: full build', seconds: full });
      for (const measurement of measurements.slice(1)) measurement.ratioTo = 'floor: full build';
    }
    return measurements;
  },
  check(summary, size) {
    if (summary.label !== 'incremental (ingest + build)' || !summary.seconds) return undefined;
    const notes: string[] = [];
    let met = true;
    if (size !== 'quick') {
      const time = againstCeiling(summary.seconds.median, 20, formatSeconds);
      met &&= time.met;
      notes.push(`time ${time.note}`);
    }
    if (summary.ratio) {
      const ratio = againstCeiling(summary.ratio.median, 0.1, (value) => `${(value * 100).toFixed(0)}%`);
      met &&= ratio.met;
      notes.push(`share of the full build ${ratio.note}`);
    }
    return { met, note: `${size === 'quick' ? 'at quick size (the targets are set for 1m; quick\'s full build is mostly fixed cost): ' : ''}${notes.join('; ')}` };
  },
  profile: () => profile,
};
