import type { Command } from 'commander';
import { parseInstant } from '../../lib/clock.ts';
import { UserError } from '../../lib/user-error.ts';
import { KINDS } from '../../ingest/contracts/contract-for.ts';
import { CRM_SOURCES, pullCrm } from '../../ingest/crm/pull-crm.ts';
import { describePull } from '../../ingest/crm/pull-summary.ts';
import type { DataPaths } from '../../lib/data-paths.ts';
import { pathsFrom } from '../data-dir-option.ts';
import { ingestFiles } from '../ingest-files.ts';
import { describeAdded, reportLoad } from '../reports.ts';

interface IngestFlags {
  landOnly?: boolean;
  since?: string;
  maxPages?: string;
  config?: string;
}

/** Exit status when the good records loaded but some were quarantined. */
export const PARTIAL_LOAD_EXIT = 2;

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(`append records to the landing log and load them into raw.duckdb (kinds: ${KINDS.join(', ')})`)
    .argument('<kind>', `${KINDS.join(' | ')} | crm`)
    .argument('<files...>', `.csv or .ndjson files, optionally gzipped; for kind crm: ${CRM_SOURCES.join(' | ')}`)
    .option('--land-only', 'files: append to the landing log only; the next `replywatch build` loads it into raw.duckdb')
    .option('--since <iso>', 'crm: pull records modified since this time instead of since the last pull')
    .option('--max-pages <n>', 'crm: stop after this many pages per object (the next pull continues)')
    .option('--config <file>', 'crm: a JSON config file with the credentials (env REPLYWATCH_CONFIG)')
    .addHelpText(
      'after',
      '\nExamples:\n  replywatch ingest roster roster.csv\n  replywatch ingest whatsapp webhooks-2026-11.ndjson.gz\n' +
        '  replywatch ingest --land-only outbound outbound-2026-11.ndjson && replywatch build\n' +
        '  HUBSPOT_TOKEN=… replywatch ingest crm hubspot\n\nExit status: 0 all loaded (or landed), 2 good records loaded and some quarantined, 1 nothing could be done.',
    )
    .action(async (kind: string, files: string[], flags: IngestFlags, command: Command) => {
      if (kind === 'crm') {
        if (flags.landOnly) throw new UserError('--land-only is for files; a CRM pull lands and loads what it pulls');
        await pullFromCrm(pathsFrom(command), files, flags);
        return;
      }
      const outcome = await ingestFiles(pathsFrom(command), kind, files, { landOnly: flags.landOnly });
      if (outcome.load?.failed.length) process.exitCode = 1;
      else if (outcome.quarantined) {
        const good = outcome.load ? 'the good ones loaded (see raw_quarantine)' : 'the good ones landed (raw_quarantine lists them after the next build)';
        process.stderr.write(`replywatch: ${outcome.quarantined} record(s) quarantined; ${good}\n`);
        process.exitCode = PARTIAL_LOAD_EXIT;
      }
    });
}

async function pullFromCrm(paths: DataPaths, sources: string[], flags: IngestFlags): Promise<void> {
  if (sources.length !== 1) throw new UserError(`ingest crm takes one CRM: ${CRM_SOURCES.join(' or ')}`);
  const maxPages = flags.maxPages === undefined ? undefined : Number(flags.maxPages);
  if (maxPages !== undefined && !(Number.isInteger(maxPages) && maxPages > 0)) {
    throw new UserError(`--max-pages must be a positive whole number, not "${flags.maxPages}"`);
  }
  const result = await pullCrm(paths, sources[0]!, {
    since: flags.since === undefined ? undefined : parseInstant(flags.since, '--since'),
    maxPages,
    configFile: flags.config,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const line of describePull(result.pull)) process.stdout.write(`${line}\n`);
  for (const problem of result.pull.objects.flatMap((object) => object.quarantined).slice(0, 5)) process.stderr.write(`  quarantined ${problem}\n`);
  reportLoad(result.load);
  process.stdout.write(`raw.duckdb: ${describeAdded(result.load.added)}\n`);
  const { withPhone, matched } = result.match;
  const share = withPhone ? ` (${Math.round((matched / withPhone) * 100)}%)` : '';
  process.stdout.write(`CRM contacts with a phone: ${withPhone}; matched to a WhatsApp contact: ${matched}${share}\n`);
  if (result.load.failed.length) process.exitCode = 1;
  else if (result.pull.objects.some((object) => object.quarantined.length)) process.exitCode = PARTIAL_LOAD_EXIT;
}
