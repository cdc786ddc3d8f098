/**
 * `replywatch generate` for the size, into a fresh directory. The floor: writing the same number
 * of bytes to the same files with no generation logic — each file's first MiB (the real bytes),
 * written over and over in 64 KiB chunks through a write stream until the file has its size. The
 * harness's own generation (preparing the shared data directory) is the first run.
 */
import { once } from 'node:events';
import { closeSync, createWriteStream, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from '../../../lib/data-paths.ts';
import { againstCeiling, formatSeconds, replywatch, SHAPES } from '../common.ts';
import type { BenchContext, Measurement, Workload } from '../workload.ts';

const CHUNK = 64 * 1024;
let prepared: { seconds: number; peakRssBytes: number } | undefined;

/** The harness's generation of the shared dataset, used as this workload's first run. */
export function recordPreparedGeneration(result: { seconds: number; peakRssBytes: number }): void {
  prepared = result;
}

function directoryBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
}

/** Writes, for each file in `sourceDir`, as many bytes as it has into `outDir`, repeating its first MiB. */
async function writeFloor(sourceDir: string, outDir: string): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const started = performance.now();
  for (const file of readdirSync(sourceDir)) {
    const size = statSync(join(sourceDir, file)).size;
    const sample = Buffer.alloc(Math.min(size, 1024 * 1024));
    const fd = openSync(join(sourceDir, file), 'r');
    readSync(fd, sample, 0, sample.length, 0);
    closeSync(fd);
    const stream = createWriteStream(join(outDir, file));
    let written = 0;
    while (written < size) {
      const offset = written % sample.length;
      const chunk = sample.subarray(offset, Math.min(sample.length, offset + CHUNK, offset + (size - written)));
      written += chunk.length;
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'close');
  }
  return (performance.now() - started) / 1000;
}

export const generatorWorkload: Workload = {
  name: 'generator',
  target: '1m: ≤ 60 s, bounded memory. Floor: writing the same bytes to the same files with no generation logic.',
  defaultRuns: { quick: 1, '1m': 1, '10m': 1 },
  async run(context: BenchContext): Promise<Measurement[]> {
    const sources = dataPaths(context.dataDir).sources;
    const bytes = directoryBytes(sources);
    let seconds: number;
    let peakRssBytes: number;
    if (prepared !== undefined) {
      ({ seconds, peakRssBytes } = prepared);
      prepared = undefined;
      context.log('using the generation that prepared the shared data directory');
    } else {
      const shape = SHAPES[context.size];
      const dir = context.tempDir('generate-');
      const result = await replywatch(dir, ['generate', '--months', String(shape.months), '--inquiries-per-month', String(shape.inquiriesPerMonth)]);
      seconds = result.seconds;
      peakRssBytes = result.peakRssBytes;
      rmSync(dir, { recursive: true, force: true });
    }
    const floorDir = context.tempDir('generate-floor-');
    const floorSeconds = await writeFloor(sources, floorDir);
    rmSync(floorDir, { recursive: true, force: true });
    const mib = bytes / 1024 ** 2;
    context.log(`generate ${formatSeconds(seconds)} (${(mib / seconds).toFixed(1)} MiB/s); floor ${formatSeconds(floorSeconds)} (${(mib / floorSeconds).toFixed(0)} MiB/s)`);
    return [
      { label: 'floor: write the same bytes', seconds: floorSeconds, extra: { 'MiB/s': mib / floorSeconds } },
      { label: 'replywatch generate', seconds, ratioTo: 'floor: write the same bytes', peakRssBytes, extra: { MiB: mib, 'MiB/s': mib / seconds } },
    ];
  },
  check(summary, size) {
    if (summary.label !== 'replywatch generate' || !summary.seconds) return undefined;
    if (size === 'quick') return undefined;
    return againstCeiling(summary.seconds.median, size === '1m' ? 60 : 600, formatSeconds);
  },
};
