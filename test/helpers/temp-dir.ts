import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A fresh directory under the system temp dir for one test's data, removed after its test file. */
export function tempDir(prefix = 'replywatch-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * Removes every directory tempDir made so far; REPLYWATCH_KEEP_TEST_DATA=1 keeps them to look at.
 * Called after each test file (test/helpers/remove-temp-dirs.ts) and at exit: vitest's fork pool
 * ends its workers without an 'exit' event, which left thousands of directories behind.
 */
export function removeTempDirs(): void {
  if (process.env.REPLYWATCH_KEEP_TEST_DATA) return;
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

process.once('exit', removeTempDirs);
