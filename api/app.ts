import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from '../lib/config.ts';
import type { GroupCommitAppender } from '../ingest/landing/group-commit-appender.ts';
import { whatsappWebhooks } from './webhooks/whatsapp-webhooks.ts';

export interface AppOptions {
  config: Config;
  /** The landing log's whatsapp folder, owned by the server. */
  whatsappLanding: GroupCommitAppender;
  /** Skips webhook signature checks (local testing only). */
  insecureDev?: boolean;
  logger?: boolean;
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
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400) request.log.warn({ status: reply.statusCode }, `${request.method} ${request.url.split('?')[0]} → ${reply.statusCode}`);
  });
  app.get(
    '/healthz',
    { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } } } },
    async () => ({ ok: true }),
  );
  await app.register(whatsappWebhooks, {
    appSecret: options.insecureDev ? undefined : options.config.whatsapp.appSecret,
    verifyToken: options.config.whatsapp.verifyToken,
    maxBodyBytes: options.config.whatsapp.maxBodyBytes,
    landing: options.whatsappLanding,
  });
  app.addHook('onClose', async () => {
    await options.whatsappLanding.close();
  });
  return app;
}
