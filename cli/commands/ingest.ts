import type { Command } from 'commander';
import { KINDS } from '../../ingest/contracts/contract-for.ts';
import { pathsFrom } from '../data-dir-option.ts';
import { ingestFiles } from '../ingest-files.ts';

/** Exit status when the good records loaded but some were quarantined. */
export const PARTIAL_LOAD_EXIT = 2;

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(`append records to the landing log and load them into raw.duckdb (kinds: ${KINDS.join(', ')})`)
    .argument('<kind>', KINDS.join(' | '))
    .argument('<files...>', '.csv or .ndjson files, optionally gzipped')
    .addHelpText('after', '\nExit status: 0 all loaded, 2 good records loaded and some quarantined, 1 nothing could be done.')
    .action(async (kind: string, files: string[], _options: unknown, command: Command) => {
      const outcome = await ingestFiles(pathsFrom(command), kind, files);
      if (outcome.load.failed.length) process.exitCode = 1;
      else if (outcome.quarantined) {
        process.stderr.write(`replywatch: ${outcome.quarantined} record(s) quarantined; the good ones loaded (see raw_quarantine)\n`);
        process.exitCode = PARTIAL_LOAD_EXIT;
      }
    });
}
