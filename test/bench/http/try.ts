/**
 * Runs the HTTP workloads alone, outside the harness, over a small data directory:
 *
 *   npx tsx test/bench/http/try.ts [--data /tmp/httpbench] [--fresh] [--only webhook|alerts] [--size quick]
 *
 * The data directory is generated (1 month × 300 inquiries), ingested and built unless it already
 * holds a warehouse (or --fresh). Prints every measurement as JSON. Not part of `npm test`.
 *
 * REPLYWATCH_BENCH_CPU_PROF=<dir> runs the receiver under `node --cpu-prof` (summarise with
 * profile-summary.ts); REPLYWATCH_BENCH_PACER=autocannon paces fixed-rate runs with autocannon's
 * overallRate instead of load.ts's uniform open loop (see load.ts for why that is not the default).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_SOURCE_FILES } from '../../helpers/demo-sources.ts';
import type { BenchContext, BenchSize, Workload } from '../workload.ts';
import { alertApi } from './alert-api.ts';
import { webhookReceiver } from './webhook-receiver.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/tmp/httpbench' },
    fresh: { type: 'boolean', default: false },
    only: { type: 'string' },
    size: { type: 'string', default: 'quick' },
  },
});
const dataDir = values.data!;

function replywatch(args: string[]): void {
  const result = spawnSync(process.execPath, [join(REPO, 'bin', 'replywatch.js'), '--data', dataDir, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`replywatch ${args.join(' ')} exited ${result.status}`);
}

if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
if (!existsSync(join(dataDir, 'warehouse.duckdb'))) {
  process.stderr.write(`building a small data directory in ${dataDir}\n`);
  replywatch(['generate', '--months', '1', '--inquiries-per-month', '300']);
  for (const [kind, file] of DEMO_SOURCE_FILES) replywatch(['ingest', kind, join(dataDir, 'sources', file)]);
  replywatch(['build']);
}

const temps: string[] = [];
const context = (name: string): BenchContext => ({
  size: values.size as BenchSize,
  dataDir,
  repoRoot: REPO,
  log: (message) => process.stderr.write(`[${name}] ${message}\n`),
  tempDir: (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  },
});

const workloads: Workload[] = [webhookReceiver, alertApi].filter(
  (workload) => values.only === undefined || (values.only === 'webhook' ? workload === webhookReceiver : workload === alertApi),
);
try {
  for (const workload of workloads) {
    const started = performance.now();
    const measurements = await workload.run(context(workload.name));
    process.stderr.write(`[${workload.name}] ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    console.log(JSON.stringify({ workload: workload.name, measurements }, null, 2));
  }
} finally {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
}
