import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { resolveNow } from '../lib/clock.ts';
import type { Config } from '../lib/config.ts';
import type { DataPaths } from '../lib/data-paths.ts';
import type { GroupCommitAppender } from '../ingest/landing/group-commit-appender.ts';
import { createAlertService, type AlertService } from './alerts/alert-service.ts';
import { apiRoutes } from './api-routes.ts';
import { dashboardSite } from './routes/dashboard-site.ts';
import { installErrorHandlers } from './errors.ts';
import { readinessRoute } from './routes/readiness.ts';
import { createWarehouseReader } from './warehouse/warehouse-reader.ts';
import { whatsappWebhooks } from './webhooks/whatsapp-webhooks.ts';

export interface AppOptions {
  config: Config;
  paths: DataPaths;
  /** The landing log's whatsapp folder, owned by the server. */
  whatsappLanding: GroupCommitAppender;
  /** Skips webhook signature checks (local testing only). */
  insecureDev?: boolean;
  logger?: boolean;
  /** The clock alerts are evaluated at; default REPLYWATCH_NOW when pinned, else the real clock. */
  now?: () => Date;
  /** Evaluate alerts and notify on a timer (the server does; request-driven tests need not). */
  alertTimer?: boolean;
  /** Notification retry backoff base (tests shorten it). */
  retryBaseMs?: number;
  /** Serve the static dashboard site built here (`replywatch dashboard build`) at `/`. */
  dashboardDir?: string;
}

/** The replywatch HTTP app: plugins, then routes. Listening and signals are server.ts's job. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger
      ? {
          level: 'info',
          // Query strings carry the webhook verify token: log the path only.
          serializers: { req: (request) => ({ method: request.method, path: request.url.split('?')[0] }) },
        }
      : false,
    forceCloseConnections: 'idle',
    // One line per webhook would flood the log at Meta's rates; refusals are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.config.api.maxBodyBytes,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  installErrorHandlers(app);
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400) request.log.warn({ status: reply.statusCode }, `${request.method} ${request.url.split('?')[0]} → ${reply.statusCode}`);
  });
  await app.register(helmet, { global: true });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'replywatch API',
        version: '1',
        description: 'Live SLA alerts, the work queue, inquiry context and marts for analysts. Send Authorization: Bearer <key> (replywatch keys create).',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    hideUntagged: false,
  });

  const warehouse = createWarehouseReader(options.paths.warehouse);
  const alerts: AlertService = createAlertService({
    paths: options.paths,
    config: options.config,
    warehouse,
    now: options.now ?? (() => resolveNow()),
    log: (level, message) => app.log[level](message),
    tick: options.alertTimer ?? false,
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });

  app.get(
    '/healthz',
    { schema: { summary: 'Liveness', tags: ['health'], security: [], response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } } } },
    async () => ({ ok: true }),
  );
  await app.register(readinessRoute, { warehouse, staleAfterSeconds: options.config.api.staleAfterSeconds });
  await app.register(whatsappWebhooks, {
    appSecret: options.insecureDev ? undefined : options.config.whatsapp.appSecret,
    verifyToken: options.config.whatsapp.verifyToken,
    maxBodyBytes: options.config.whatsapp.maxBodyBytes,
    landing: options.whatsappLanding,
  });
  await app.register(apiRoutes, { prefix: '/api', paths: options.paths, config: options.config, warehouse, alerts });
  if (options.dashboardDir !== undefined) await app.register(dashboardSite, { dir: options.dashboardDir });
  app.addHook('onClose', async () => {
    await alerts.close();
    warehouse.close();
    await options.whatsappLanding.close();
  });
  return app;
}
