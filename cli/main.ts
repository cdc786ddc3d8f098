import { Command } from 'commander';
import { defaultDataDir } from '../lib/data-paths.ts';
import { isStorageError } from '../lib/storage-error.ts';
import { UserError } from '../lib/user-error.ts';

type Register = (program: Command) => void;

/** Each command's module, in help order; loaded only when needed (the server's alone takes ~0.5 s). */
const COMMANDS: Record<string, () => Promise<Register>> = {
  generate: async () => (await import('./commands/generate.ts')).registerGenerate,
  ingest: async () => (await import('./commands/ingest.ts')).registerIngest,
  build: async () => (await import('./commands/build.ts')).registerBuild,
  dashboard: async () => (await import('./commands/dashboard.ts')).registerDashboard,
  query: async () => (await import('./commands/query.ts')).registerQuery,
  export: async () => (await import('./commands/export.ts')).registerExport,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  keys: async () => (await import('./commands/keys.ts')).registerKeys,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  doctor: async () => (await import('./commands/doctor.ts')).registerDoctor,
};

const program = new Command('replywatch')
  .description('Response-management analytics for businesses that sell on WhatsApp')
  .option('--data <dir>', 'data directory (env REPLYWATCH_DATA)', defaultDataDir())
  .showHelpAfterError('(run `replywatch --help` for usage)');

// A command line naming a command loads that command alone: every ingest and build starts faster.
// Anything else (help, a typo) loads them all, so help lists them and commander suggests one.
const named = commandName(process.argv.slice(2));
for (const [name, load] of Object.entries(COMMANDS)) {
  if (named === undefined || named === name) (await load())(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** The command a command line names, skipping the global --data option and its value; undefined for none or an unknown one. */
function commandName(args: string[]): string | undefined {
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--data') index += 1;
    else if (!arg.startsWith('-')) return Object.hasOwn(COMMANDS, arg) ? arg : undefined;
  }
  return undefined;
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
