import type { Command } from 'commander';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard, lockDashboardBuild, requireWarehouse } from '../../pipeline/build-dashboard.ts';
import { spawnFramework } from '../../pipeline/framework-cli.ts';
import { DASHBOARDS_ROOT, defaultDashboardDir } from '../../pipeline/project-paths.ts';
import { UserError } from '../../lib/user-error.ts';
import { pathsFrom } from '../data-dir-option.ts';

export function registerDashboard(program: Command): void {
  const dashboard = program.command('dashboard').description('the dashboards (Observable Framework, in dashboards/): build the static site or preview it');

  dashboard
    .command('build')
    .description('run the data loaders against the current warehouse of --data and write the static site (`serve` serves it at /)')
    .option('--out <dir>', 'where to write the site (env REPLYWATCH_DASHBOARD_OUT; default dist/ in the replywatch repository)')
    .action(async (options: { out?: string }, command: Command) => {
      await buildDashboard(pathsFrom(command), options.out ?? defaultDashboardDir());
    });

  dashboard
    .command('preview')
    .description('serve the dashboards from their sources with live reload, for editing pages (reads the warehouse of --data)')
    .option('--port <n>', 'port (default 3000, or the next free one)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (options: { port?: string; host: string }, command: Command) => {
      const paths = pathsFrom(command);
      requireWarehouse(paths);
      if (options.port !== undefined && !/^\d+$/.test(options.port)) throw new UserError(`--port "${options.port}" is not a port number`);
      // The loaders' cached output is by loader mtime, not data: start from fresh data.
      const release = await lockDashboardBuild();
      try {
        rmSync(join(DASHBOARDS_ROOT, '.observablehq', 'cache', 'data'), { recursive: true, force: true });
      } finally {
        release();
      }
      const args = ['--host', options.host, '--no-open', ...(options.port !== undefined ? ['--port', options.port] : [])];
      const child = spawnFramework('preview', args, { dataDir: paths.root, stdio: 'inherit', color: process.stdout.isTTY === true });
      // Ctrl+C reaches the preview server too (same process group); exit when it does.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
      process.exitCode = await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve(code ?? 0));
      });
    });
}
