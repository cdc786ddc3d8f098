import type { Command } from 'commander';
import { UserError } from '../../lib/user-error.ts';
import { generateDemo } from '../../ingest/demo/generate-demo.ts';
import { pathsFrom } from '../data-dir-option.ts';
import { demoEnd } from '../demo-end.ts';
import { reportGenerated } from '../reports.ts';

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
      reportGenerated(summary);
    });
}

function positive(flag: string, value: string, allowZero = false): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || (!allowZero && number === 0)) {
    throw new UserError(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, not "${value}"`);
  }
  return number;
}
