import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
// Test data directories go when the test process ends, passed or failed; REPLYWATCH_KEEP_TEST_DATA=1 keeps them to look at.
process.once('exit', () => {
  if (process.env.REPLYWATCH_KEEP_TEST_DATA) return;
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system temp dir for one test's data, removed when the test process exits. */
export function tempDir(prefix = 'replywatch-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
