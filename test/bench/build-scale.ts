/**
 * How the build scales: the demo's size as the baseline, then a large dataset, both generated,
 * ingested and built in this run on this machine. Timings on a shared machine mean little alone,
 * so the large build is reported as a ratio to the baseline beside its messages per second.
 *
 *   npx tsx test/bench/build-scale.ts [--inquiries-per-month 55000] [--months 3] [--keep]
 *
 * Not part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { DEMO_SOURCE_FILES } from '../helpers/demo-sources.ts';

const REPO = join(import.meta.dirname, '..', '..');
const NOW = '2026-11-27T12:00:00+05:30';
const { values } = parseArgs({
  options: { 'inquiries-per-month': { type: 'string', default: '55000' }, months: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false } },
});

function replywatch(dataDir: string, args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(REPO, 'bin', 'replywatch.js'), '--data', dataDir, ...args], {
    cwd: REPO,
    env: { ...process.env, REPLYWATCH_NOW: NOW },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0 && result.status !== 2) throw new Error(`replywatch ${args.join(' ')} exited ${result.status}`);
  return (performance.now() - started) / 1000;
}

async function run(label: string, inquiriesPerMonth: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `replywatch-bench-${label}-`));
  process.stderr.write(`\n== ${label}: ${values.months} months × ${inquiriesPerMonth} inquiries a month in ${dataDir}\n`);
  const generate = replywatch(dataDir, ['generate', '--months', values.months!, '--inquiries-per-month', inquiriesPerMonth]);
  let ingest = 0;
  for (const [kind, file] of DEMO_SOURCE_FILES) ingest += replywatch(dataDir, ['ingest', kind, join(dataDir, 'sources', file)]);
  const build = replywatch(dataDir, ['build']);
  const rebuild = replywatch(dataDir, ['build']);
  const [counts] = await queryFile(
    dataPaths(dataDir).warehouse,
    'select (select count(*) from int_messages_unified) as messages, (select count(*) from fct_inquiries) as inquiries',
  );
  if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
  return { label, generate, ingest, build, rebuild, messages: Number(counts!.messages), inquiries: Number(counts!.inquiries) };
}

const baseline = await run('baseline', '300');
const large = await run('large', values['inquiries-per-month']!);
const seconds = (value: number) => `${value.toFixed(1)} s`;
console.log('\n| dataset | messages | inquiries | ingest | build | rebuild (nothing new) | build vs baseline | messages/s built |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of [baseline, large]) {
  console.log(
    `| ${row.label} | ${row.messages.toLocaleString('en-IN')} | ${row.inquiries.toLocaleString('en-IN')} | ${seconds(row.ingest)} | ${seconds(row.build)} | ${seconds(row.rebuild)} | ` +
      `${(row.build / baseline.build).toFixed(1)}× | ${Math.round(row.messages / row.build).toLocaleString('en-IN')} |`,
  );
}
