import type { Command } from 'commander';
import { resolveNow } from '../../lib/clock.ts';
import { buildWarehouse } from '../../pipeline/build-warehouse.ts';
import { pathsFrom } from '../data-dir-option.ts';
import { describeAdded, reportLoad } from '../reports.ts';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('load pending landing records, run dbt build into a new warehouse and swap it in when every test passed')
    .option('--as-of <iso>', 'pin "now" for everything that depends on the clock (env REPLYWATCH_NOW)')
    .option('--full-refresh', 'build every model from raw.duckdb instead of appending new rows to the incremental ones')
    .action(async (options: { asOf?: string; fullRefresh?: boolean }, command: Command) => {
      const paths = pathsFrom(command);
      const result = await buildWarehouse(paths, resolveNow(options.asOf), { fullRefresh: options.fullRefresh === true });
      reportLoad(result.load);
      process.stdout.write(
        `built ${paths.warehouse} as of ${result.asOf.toISOString()} in ${result.seconds.toFixed(1)}s` +
          `${result.incremental ? ', incrementally' : ''}` +
          ` (raw.duckdb: ${describeAdded(result.load.added)})\n`,
      );
    });
}
