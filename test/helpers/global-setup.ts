import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { runCli } from './run-cli.ts';
import { tempDir } from './temp-dir.ts';
import { DEMO_SOURCE_FILES } from './demo-sources.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A data directory with one month of demo data generated, ingested and built. */
    builtDataDir: string;
  }
}

async function mustRun(args: string[]): Promise<void> {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`replywatch ${args.join(' ')} failed:\n${result.stderr}`);
}

/** Builds one small warehouse through the real CLI, shared read-only by the suites that need one. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dataDir = tempDir('replywatch-built-');
  await mustRun(['--data', dataDir, 'generate', '--months', '1', '--inquiries-per-month', '120', '--seed', '7']);
  for (const [kind, file] of DEMO_SOURCE_FILES) await mustRun(['--data', dataDir, 'ingest', kind, join(dataDir, 'sources', file)]);
  await mustRun(['--data', dataDir, 'build']);
  project.provide('builtDataDir', dataDir);
  return () => rmSync(dataDir, { recursive: true, force: true });
}
