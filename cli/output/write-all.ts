import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { UserError } from '../../lib/user-error.ts';

/** Runs `body` against stdout, or against a file it creates (a one-line error when it cannot). */
export async function writeAll(outPath: string | undefined, body: (out: Writable) => unknown): Promise<void> {
  if (!outPath) {
    await body(process.stdout);
    return;
  }
  const out = createWriteStream(outPath);
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (error) => reject(new UserError(`cannot write ${outPath}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
  });
  await opened;
  await body(out);
  out.end();
  await finished(out);
}
