import { Command } from 'commander';
import { defaultDataDir } from '../lib/data-paths.ts';
import { isStorageError } from '../lib/storage-error.ts';
import { UserError } from '../lib/user-error.ts';
import { registerBuild } from './commands/build.ts';
import { registerDashboard } from './commands/dashboard.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerExport } from './commands/export.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerKeys } from './commands/keys.ts';
import { registerQuery } from './commands/query.ts';
import { registerServe } from './commands/serve.ts';

const program = new Command('replywatch')
  .description('Response-management analytics for businesses that sell on WhatsApp')
  .option('--data <dir>', 'data directory (env REPLYWATCH_DATA)', defaultDataDir())
  .showHelpAfterError('(run `replywatch --help` for usage)');

registerGenerate(program);
registerIngest(program);
registerBuild(program);
registerDashboard(program);
registerQuery(program);
registerExport(program);
registerServe(program);
registerKeys(program);
registerDemo(program);
registerDoctor(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** A user error is one line; anything else also says how to see the stack. */
function reportError(error: unknown): number {
  if (error instanceof UserError) {
    process.stderr.write(`replywatch: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  // A full disk or a read-only data directory is for the user to fix, not a bug to report.
  if (isStorageError(error)) {
    process.stderr.write(`replywatch: ${message.split('\n')[0]}; free space on that disk (or make the data directory writable) and run the command again\n`);
    return 1;
  }
  process.stderr.write(`replywatch: ${message.split('\n')[0]}\n`);
  if (process.env.REPLYWATCH_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  else process.stderr.write('replywatch: this looks like a bug; run again with REPLYWATCH_DEBUG=1 for details\n');
  return 70;
}
