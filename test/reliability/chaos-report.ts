import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/run-cli.ts';

/**
 * vitest.chaos.config.ts's global setup: clears the last run's figures, and when the run ends,
 * passed or failed, writes this run's into RELIABILITY.md (scripts/reliability-report.mjs).
 */
export default function setup(): () => void {
  rmSync(join(REPO, 'test-output', 'reliability'), { recursive: true, force: true });
  return () => {
    spawnSync(process.execPath, [join(REPO, 'scripts', 'reliability-report.mjs')], { stdio: 'inherit' });
  };
}
