import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultDashboardDir } from '../../pipeline/project-paths.ts';
import { loadConfig, type Config } from '../../lib/config.ts';
import { UserError } from '../../lib/user-error.ts';
import { startServer } from '../../api/server.ts';
import { pathsFrom } from '../data-dir-option.ts';

interface ServeFlags {
  port?: string;
  host?: string;
  buildEvery?: string;
  config?: string;
  insecureDev?: boolean;
  dashboard?: string | false;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the WhatsApp webhook receiver and the alert API, and build the warehouse on a schedule')
    .option('--port <n>', 'port to listen on (env REPLYWATCH_PORT)', undefined)
    .option('--host <address>', 'address to listen on (env REPLYWATCH_HOST; default 127.0.0.1)')
    .option('--build-every <duration>', 'build the warehouse this often, e.g. 60s, 5m; 0 turns it off', undefined)
    .option('--config <file>', 'a JSON config file (env REPLYWATCH_CONFIG); it must not be readable by others')
    .option('--insecure-dev', 'accept unsigned webhooks (local testing only; never in production)')
    .option('--dashboard <dir>', 'serve the dashboard site built there at / (default: where `dashboard build` writes it)')
    .option('--no-dashboard', 'do not serve the dashboard site')
    .action(async (flags: ServeFlags, command: Command) => {
      const config = serveConfig(flags);
      // The site has no login and its pages hold contact names: off a loopback address it is served only when asked for.
      const loopback = ['127.0.0.1', '::1', 'localhost'].includes(config.server.host);
      const dashboardDir =
        flags.dashboard === false || (flags.dashboard === undefined && !loopback) ? undefined : resolve(flags.dashboard ?? defaultDashboardDir());
      if (flags.dashboard === undefined && !loopback) {
        process.stderr.write(
          `replywatch: the dashboard is not served on ${config.server.host}: its pages show contact names and have no login; pass --dashboard DIR to serve it behind your own access control\n`,
        );
      }
      const server = await startServer({ paths: pathsFrom(command), config, insecureDev: flags.insecureDev === true, dashboardDir });
      process.stderr.write(`replywatch: receiving WhatsApp webhooks at ${server.url}/webhooks/whatsapp; API at ${server.url}/api (openapi: /api/openapi.json)\n`);
      if (dashboardDir) process.stderr.write(`replywatch: ${describeDashboard(dashboardDir, server.url)}\n`);
    });
}

/** Where the dashboard is, or what to run when it has not been built yet. */
export function describeDashboard(dir: string, url: string): string {
  return existsSync(join(dir, 'index.html'))
    ? `dashboard at ${url}/ (from ${dir})`
    : `no dashboard built in ${dir} yet; run replywatch dashboard build, then open ${url}/`;
}

/** The server's configuration; refuses to start without the secrets it needs, in one line. */
export function serveConfig(flags: ServeFlags): Config {
  const config = loadConfig({
    file: flags.config,
    overrides: {
      server: {
        ...(flags.port !== undefined ? { port: Number(flags.port) } : {}),
        ...(flags.host !== undefined ? { host: flags.host } : {}),
        ...(flags.buildEvery !== undefined ? { buildEverySeconds: durationSeconds(flags.buildEvery) } : {}),
      },
    },
  });
  if (flags.insecureDev) {
    process.stderr.write(
      '\n  ⚠  INSECURE DEV MODE: webhook signatures are NOT checked. Anyone who can reach this port\n' +
        '  ⚠  can write to the landing log. Never run this way where Meta (or anyone) can reach it.\n\n',
    );
    config.whatsapp.verifyToken ??= 'replywatch-dev';
    return config;
  }
  if (!config.whatsapp.appSecret) {
    throw new UserError(
      'WHATSAPP_APP_SECRET is not set, so webhooks cannot be verified as coming from Meta; set it (or whatsapp.appSecret in a config file), or use --insecure-dev for local testing',
    );
  }
  if (!config.whatsapp.verifyToken) {
    throw new UserError('WHATSAPP_VERIFY_TOKEN is not set; Meta needs it for the webhook verification handshake (or use --insecure-dev)');
  }
  return config;
}

/** "60s", "5m", "1h" or plain seconds. */
export function durationSeconds(text: string): number {
  const match = /^(\d+)\s*(s|m|h)?$/.exec(text.trim());
  if (!match) throw new UserError(`--build-every "${text}" is not a duration like 60s, 5m or 1h`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}
