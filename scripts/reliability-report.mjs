#!/usr/bin/env node
// Writes the figures of the last `npm run test:chaos` into RELIABILITY.md: each fault suite of
// test/reliability left test-output/reliability/<fault>.json; this gathers them into
// test-output/reliability.json and replaces the block between the markers in RELIABILITY.md with
// the machine, the command and one table row (and a few notes) per fault. Everything outside the
// markers is hand-written and kept. Plain Node, no dependencies.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, platform } from 'node:os';
import { join } from 'node:path';
import { root } from './setup-state.mjs';

const START = '<!-- chaos-figures:start -->';
const END = '<!-- chaos-figures:end -->';
/** The order faults appear in, as the issue lists them; unknown ids follow. */
const ORDER = ['serve-kill', 'ingest-kill', 'build-kill', 'torn-segment', 'disk-full-serve', 'disk-full-pipeline', 'read-only', 'warehouse-and-clock', 'crm-hubspot', 'crm-zoho', 'notify-receivers'];

const dir = join(root, 'test-output', 'reliability');
if (!existsSync(dir)) {
  console.error('reliability-report: no figures in test-output/reliability/; run npm run test:chaos first');
  process.exit(1);
}
const figures = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ ...JSON.parse(readFileSync(join(dir, name), 'utf8')), writtenAt: statSync(join(dir, name)).mtime }))
  .sort((a, b) => rank(a.id) - rank(b.id));
writeFileSync(join(root, 'test-output', 'reliability.json'), `${JSON.stringify(figures, null, 2)}\n`);

const number = (n) => Number(n).toLocaleString('en');
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
const lines = [
  START,
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${platform()} ${release()}, Node.js ${process.versions.node}; shared with other work while it ran.`,
  '',
  `Command: \`npm run test:chaos\` (seed ${[...new Set(figures.map((figure) => figure.seed))].join(', ')}), finished ${latest(figures)}; ${number(Math.round(figures.reduce((sum, figure) => sum + figure.seconds, 0)))} s of fault injection in all.`,
  '',
  '| fault | load held | repetitions | faults injected | records checked | lost | doubled | result |',
  '|---|---|--:|--:|--:|--:|--:|---|',
  ...figures.map((figure) =>
    `| ${cell(figure.fault)} | ${cell(figure.load)} | ${number(figure.repetitions)} | ${number(figure.faultsInjected)} | ${number(figure.recordsChecked)} | ${number(figure.lost)} | ${number(figure.doubled)} | ${figure.result} |`,
  ),
  '',
  ...figures.flatMap((figure) => [`**${cell(figure.fault)}** (${Math.round(figure.seconds)} s)`, '', ...figure.notes.map((note) => `- ${note}`), '']),
  END,
];

const reportPath = join(root, 'RELIABILITY.md');
const current = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : `# Reliability\n\n## Faults\n\n${START}\n${END}\n`;
const start = current.indexOf(START);
const end = current.indexOf(END);
if (start < 0 || end < start) {
  console.error(`reliability-report: RELIABILITY.md has no ${START} … ${END} block to fill`);
  process.exit(1);
}
writeFileSync(reportPath, `${current.slice(0, start)}${lines.join('\n')}${current.slice(end + END.length)}`);
const failed = figures.filter((figure) => figure.result !== 'pass');
console.error(`reliability-report: ${figures.length} faults written to RELIABILITY.md${failed.length ? `; FAILED: ${failed.map((figure) => figure.id).join(', ')}` : ''}`);

function rank(id) {
  const index = ORDER.indexOf(id);
  return index < 0 ? ORDER.length : index;
}

function latest(all) {
  const time = Math.max(...all.map((figure) => figure.writtenAt.getTime()));
  return new Date(time).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
