import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveNow } from '../../lib/clock.ts';
import type { DataPaths } from '../../lib/data-paths.ts';
import { generateDemo } from '../../ingest/demo/generate-demo.ts';
import { buildWarehouse } from '../../pipeline/build-warehouse.ts';
import { healthSummary } from '../../pipeline/health-summary.ts';
import { pathsFrom } from '../data-dir-option.ts';
import { demoEnd } from '../demo-end.ts';
import { ingestFiles } from '../ingest-files.ts';
import { reportGenerated, reportLoad } from '../reports.ts';

/** Input kind → the file `generate` writes for it. */
const DEMO_FILES = {
  roster: 'roster.csv',
  'crm-contacts': 'crm-contacts.csv',
  'crm-deals': 'crm-deals.csv',
  whatsapp: 'whatsapp.ndjson',
  outbound: 'outbound.ndjson',
  inbox: 'inbox.ndjson',
} as const;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate demo data (when <data>/sources is empty), ingest it, build, and print a health summary')
    .option('--no-serve', 'stop after building (the API server is not part of the demo yet)')
    .action(async (_options: { serve: boolean }, command: Command) => {
      await runDemo(pathsFrom(command));
    });
}

async function runDemo(paths: DataPaths): Promise<void> {
  if (!hasSources(paths)) {
    reportGenerated(await generateDemo({ outDir: paths.sources, months: 3, inquiriesPerMonth: 300, seed: 42, end: demoEnd() }));
  }
  for (const [kind, file] of Object.entries(DEMO_FILES)) {
    await ingestFiles(paths, kind, [join(paths.sources, file)]);
  }
  const build = await buildWarehouse(paths, resolveNow());
  reportLoad(build.load);
  process.stdout.write(`\nbuilt ${paths.warehouse} as of ${build.asOf.toISOString()} in ${build.seconds.toFixed(1)}s\n`);
  process.stdout.write(`${await healthSummary(paths)}\n`);
  process.stdout.write(`\nquery it: npx replywatch query "select * from fct_inquiries limit 10"\n`);
}

function hasSources(paths: DataPaths): boolean {
  return existsSync(paths.sources) && Object.values(DEMO_FILES).every((file) => readdirSync(paths.sources).includes(file));
}
