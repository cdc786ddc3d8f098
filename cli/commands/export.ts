import type { Command } from 'commander';
import { Option } from 'commander';
import { parseInstant } from '../../lib/clock.ts';
import { openDatabase } from '../../lib/duckdb.ts';
import { UserError } from '../../lib/user-error.ts';
import { pathsFrom } from '../data-dir-option.ts';
import { writeAll } from '../output/write-all.ts';
import { writeCsv, writeJson } from '../output/write-rows.ts';

/** What can be exported, and the mart each export reads. */
const EXPORTS = { crm: 'crm_inquiry_records' } as const;

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a mart out for another system: crm = one structured record per closed inquiry (crm_inquiry_records)')
    .argument('<what>', Object.keys(EXPORTS).join(' | '))
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--since <iso>', 'only inquiries closed at or after this time')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (what: string, options: { format: 'csv' | 'json'; since?: string; out?: string }, command: Command) => {
      if (!(what in EXPORTS)) throw new UserError(`unknown export "${what}"; expected one of: ${Object.keys(EXPORTS).join(', ')}`);
      const since = options.since === undefined ? new Date(0) : parseInstant(options.since, '--since');
      const database = await openDatabase(pathsFrom(command).warehouse, { readOnly: true });
      try {
        const mart = EXPORTS[what as keyof typeof EXPORTS];
        const result = await database.connection.stream(`select * from ${mart} where closed_at >= $since::timestamptz order by closed_at, inquiry_id`, {
          since: since.toISOString(),
        });
        await writeAll(options.out, (out) => (options.format === 'csv' ? writeCsv(result, out) : writeJson(result, out)));
      } finally {
        database.close();
      }
    });
}
