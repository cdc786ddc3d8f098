import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { Config } from '../lib/config.ts';
import type { DataPaths } from '../lib/data-paths.ts';
import { createGroupCommitAppender } from '../ingest/landing/group-commit-appender.ts';
import { processLease } from '../lib/process-lease.ts';
import { startBuildScheduler } from '../pipeline/build-scheduler.ts';
import { buildApp } from './app.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Stops scheduled builds, drains in-flight requests, seals the landing log. */
  stop(): Promise<void>;
}

/**
 * Listens, runs the scheduled builds, and on SIGTERM or SIGINT drains: no new connections, every
 * request in flight finishes (and its webhook is on disk) before the process exits.
 */
export async function startServer(options: {
  paths: DataPaths;
  config: Config;
  insecureDev: boolean;
  /** The static dashboard site to serve at `/` (`replywatch dashboard build` writes it). */
  dashboardDir?: string;
}): Promise<RunningServer> {
  const landing = createGroupCommitAppender(join(options.paths.landing, 'whatsapp'), processLease(options.paths.leases));
  const app = await buildApp({
    config: options.config,
    paths: options.paths,
    whatsappLanding: landing,
    insecureDev: options.insecureDev,
    logger: true,
    alertTimer: true,
    ...(options.dashboardDir !== undefined ? { dashboardDir: options.dashboardDir } : {}),
  });
  const url = await app.listen({ host: options.config.server.host, port: options.config.server.port });
  const scheduler = startBuildScheduler({
    paths: options.paths,
    everySeconds: options.config.server.buildEverySeconds,
    landing,
    log: (level, message) => app.log[level](message),
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await scheduler.stop();
      await app.close();
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info(`${signal}: draining requests, then exiting`);
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error(error);
          process.exit(1);
        },
      );
    });
  }
  return { app, url, stop };
}
