import type { Command } from 'commander';
import { relative } from 'node:path';
import { resolveNow } from '../../lib/clock.ts';
import { UserError } from '../../lib/user-error.ts';
import { generateDemo, type GenerateSummary } from '../../ingest/demo/generate-demo.ts';
import { pathsFrom } from '../data-dir-option.ts';

interface GenerateFlags {
  months: string;
  inquiriesPerMonth: string;
  seed: string;
  end?: string;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description("write demo source files (a coaching institute's WhatsApp, inbox, roster and CRM) to <data>/sources/")
    .option('--months <n>', 'months of history', '3')
    .option('--inquiries-per-month <n>', 'inquiries a month (the seed article: 200–400)', '300')
    .option('--seed <n>', 'random seed; the same seed and end give the same files', '42')
    .option('--end <iso>', 'the demo\'s "now" (default: REPLYWATCH_NOW, else the current hour)')
    .action(async (flags: GenerateFlags, command: Command) => {
      const paths = pathsFrom(command);
      const summary = await generateDemo({
        outDir: paths.sources,
        months: positive('--months', flags.months),
        inquiriesPerMonth: positive('--inquiries-per-month', flags.inquiriesPerMonth),
        seed: Math.trunc(positive('--seed', flags.seed, true)),
        end: demoEnd(flags.end),
      });
      printSummary(summary);
    });
}

/** The demo's "now": as given, else pinned "now", else the start of the current hour. */
export function demoEnd(end?: string): Date {
  if (end !== undefined || process.env.REPLYWATCH_NOW) return resolveNow(end);
  const now = new Date();
  now.setUTCMinutes(0, 0, 0);
  return now;
}

function positive(flag: string, value: string, allowZero = false): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || (!allowZero && number === 0)) {
    throw new UserError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, not "${value}"`);
  }
  return number;
}

export function printSummary(summary: GenerateSummary): void {
  for (const [kind, file] of Object.entries(summary.files)) {
    process.stdout.write(`wrote ${relative(process.cwd(), file) || file} (${kind})\n`);
  }
}
