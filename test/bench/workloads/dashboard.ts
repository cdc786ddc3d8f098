/**
 * `replywatch dashboard build` over the size's warehouse. The floor: the data loaders alone — every
 * dataset of dashboard-data/datasets.ts loaded with `loadDataset` and serialised as the loaders do
 * (an Arrow IPC stream), in this process, one after another. Also the data shipped: the .arrows files
 * each page references, summed, for the page with the most, against the 2 MB a page limit.
 */
import { tableToIPC } from 'apache-arrow';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATASETS, type DatasetName } from '../../../dashboard-data/datasets.ts';
import { loadDataset } from '../../../dashboard-data/load-dataset.ts';
import { dataPaths } from '../../../lib/data-paths.ts';
import { againstCeiling, formatBytes, formatSeconds, replywatch } from '../common.ts';
import type { BenchContext, Measurement, Workload } from '../workload.ts';

const PAGE_DATA_LIMIT = 2 * 1000 * 1000;
let loaderSeconds = new Map<string, number[]>();

/** Each page of the site with the summed size of the .arrows files it references. */
function pageData(siteDir: string): Array<{ name: string; bytes: number }> {
  return readdirSync(siteDir)
    .filter((file) => file.endsWith('.html'))
    .map((page) => {
      const referenced = new Set(readFileSync(join(siteDir, page), 'utf8').match(/_file\/data\/[^"'\s)]+\.arrows/g) ?? []);
      const bytes = [...referenced].reduce((sum, file) => sum + statSync(join(siteDir, file)).size, 0);
      return { name: page, bytes };
    });
}

function allArrowsBytes(siteDir: string): number {
  const dir = join(siteDir, '_file', 'data');
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith('.arrows'))
      .reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
  } catch {
    return 0;
  }
}

export const dashboardWorkload: Workload = {
  name: 'dashboard',
  target: '1m: ≤ 60 s; no page ships more than 2 MB of data. Floor: the loaders alone (every dataset queried and serialised, in-process).',
  defaultRuns: { quick: 1 },
  async run(context: BenchContext): Promise<Measurement[]> {
    const siteDir = join(context.tempDir('dashboard-'), 'site');
    const build = await replywatch(context.dataDir, ['dashboard', 'build', '--out', siteDir]);
    const pages = pageData(siteDir);
    const total = allArrowsBytes(siteDir);
    rmSync(siteDir, { recursive: true, force: true });

    const warehouse = dataPaths(context.dataDir).warehouse;
    const started = performance.now();
    for (const name of Object.keys(DATASETS) as DatasetName[]) {
      const loaderStarted = performance.now();
      const bytes = tableToIPC(await loadDataset(warehouse, name), 'stream').byteLength;
      const seconds = (performance.now() - loaderStarted) / 1000;
      loaderSeconds.set(`${name} (${formatBytes(bytes)})`, [...(loaderSeconds.get(`${name} (${formatBytes(bytes)})`) ?? []), seconds]);
    }
    const floorSeconds = (performance.now() - started) / 1000;
    const largest = pages.reduce((max, page) => (page.bytes > max.bytes ? page : max), { name: '(none)', bytes: 0 });
    context.log(`dashboard build ${formatSeconds(build.seconds)}, peak ${formatBytes(build.peakRssBytes)}; loaders alone ${formatSeconds(floorSeconds)}; most data on one page: ${largest.name} ${formatBytes(largest.bytes)}`);
    return [
      { label: 'floor: loaders alone', seconds: floorSeconds },
      {
        label: 'dashboard build',
        seconds: build.seconds,
        ratioTo: 'floor: loaders alone',
        peakRssBytes: build.peakRssBytes,
        extra: { 'most data on a page, KB': largest.bytes / 1000, 'that page': largest.name, 'all .arrows KB': total / 1000 },
      },
    ];
  },
  check(summary, size) {
    if (summary.label !== 'dashboard build' || !summary.seconds) return undefined;
    const largest = summary.extra['most data on a page, KB'];
    const notes: string[] = [];
    let met = true;
    if (largest && typeof largest !== 'string') {
      const result = againstCeiling(largest.max * 1000, PAGE_DATA_LIMIT, (bytes) => `${(bytes / 1e6).toFixed(2)} MB`);
      met &&= result.met;
      notes.push(`data a page ${result.note}`);
    }
    if (size !== 'quick') {
      const result = againstCeiling(summary.seconds.median, 60, formatSeconds);
      met &&= result.met;
      notes.push(`time ${result.note}`);
    }
    return { met, note: notes.join('; ') };
  },
  profile() {
    const rows = [...loaderSeconds].map(([name, seconds]) => ({ name, seconds: [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)]! }));
    loaderSeconds = new Map();
    return [{ title: 'dashboard: per-loader seconds (loadDataset + Arrow IPC, in-process; median; size of the stream)', rows: rows.sort((a, b) => b.seconds - a.seconds) }];
  },
};
