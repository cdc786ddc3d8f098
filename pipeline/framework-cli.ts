import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../lib/user-error.ts';
import { PROJECT_ROOT } from './project-paths.ts';

const OBSERVABLE = join(PROJECT_ROOT, 'node_modules', '@observablehq', 'framework', 'dist', 'bin', 'observable.js');

/**
 * The Observable Framework CLI (`observable build|preview`) as a child process in the repository,
 * where observablehq.config.ts is. Its data loaders read the warehouse of `dataDir`
 * (REPLYWATCH_DATA); `.ts` loaders run with tsx, found through node_modules/.bin on PATH.
 */
export function spawnFramework(
  command: 'build' | 'preview',
  args: string[],
  options: { dataDir: string; outDir?: string; stdio: StdioOptions; color?: boolean },
): ChildProcess {
  if (!existsSync(OBSERVABLE)) {
    throw new UserError('Observable Framework is not installed; run `node scripts/setup.mjs` (or `npm start`)');
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REPLYWATCH_DATA: options.dataDir,
    OBSERVABLE_TELEMETRY_DISABLE: 'true',
    PATH: [join(PROJECT_ROOT, 'node_modules', '.bin'), process.env.PATH].filter(Boolean).join(delimiter),
  };
  if (options.outDir !== undefined) env.REPLYWATCH_DASHBOARD_OUT = options.outDir;
  if (!options.color) {
    env.NO_COLOR = '1';
    delete env.FORCE_COLOR;
  }
  return spawn(process.execPath, [OBSERVABLE, command, ...args], { cwd: PROJECT_ROOT, env, stdio: options.stdio });
}
