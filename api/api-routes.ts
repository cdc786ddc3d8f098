import rateLimit from '@fastify/rate-limit';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHash } from 'node:crypto';
import { createKeyVerifier } from '../lib/api-keys.ts';
import type { Config } from '../lib/config.ts';
import type { DataPaths } from '../lib/data-paths.ts';
import type { AlertService } from './alerts/alert-service.ts';
import { authenticate, requireRole } from './auth/authenticate.ts';
import { ApiError, ErrorBody } from './errors.ts';
import { alertRoutes } from './routes/alerts.ts';
import { alertStreamRoute } from './routes/alert-stream.ts';
import { healthRoutes } from './routes/health.ts';
import { inquiryContextRoute } from './routes/inquiry-context.ts';
import { martRoutes } from './routes/marts.ts';
import { queueRoute } from './routes/queue.ts';
import { silenceRoutes } from './routes/silences.ts';
import type { WarehouseReader } from './warehouse/warehouse-reader.ts';

export interface ApiRoutesOptions {
  paths: DataPaths;
  config: Config;
  warehouse: WarehouseReader;
  alerts: AlertService;
}

/**
 * Everything under /api: an API key on every request (the webhook route keeps Meta's signature
 * instead), a rate limit per key, then the routes. Unknown /api paths answer 401 before 404, so
 * a caller without a key learns nothing about what exists.
 */
export const apiRoutes: FastifyPluginAsyncTypebox<ApiRoutesOptions> = async (api, options) => {
  api.addHook('onRequest', authenticate(createKeyVerifier(options.paths.state).verify));
  await api.register(rateLimit, {
    max: options.config.api.rateLimitPerMinute,
    timeWindow: 60_000,
    // Per key (hashed, so the limiter never holds keys), else per address.
    keyGenerator: (request) => {
      const header = request.headers.authorization;
      return header ? createHash('sha256').update(header).digest('hex') : request.ip;
    },
    // Thrown to the error handler, so a 429 has the same JSON shape as every other error.
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'rate_limited', `more than ${context.max} requests a minute with this key; retry after ${context.after}`),
  });
  api.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
  // The dashboard site answers GET /* beside the API: unknown /api paths stay the API's (401, then 404).
  api.get('/', { schema: { hide: true }, config: { rateLimit: false } }, (_request, reply) => reply.callNotFound());
  api.get('/*', { schema: { hide: true }, config: { rateLimit: false } }, (_request, reply) => reply.callNotFound());

  const { warehouse, alerts } = options;
  await api.register(alertStreamRoute, { alerts });
  await api.register(alertRoutes, { alerts });
  await api.register(silenceRoutes, { alerts });
  await api.register(queueRoute, { warehouse, alerts });
  await api.register(inquiryContextRoute, { warehouse, alerts });
  await api.register(healthRoutes, { warehouse });
  await api.register(martRoutes, { warehouse });
  api.get('/openapi.json', { schema: { hide: true } }, async () => api.swagger());

  api.get(
    '/notifications',
    {
      schema: {
        summary: 'The delivery log of supervisor notifications, newest first',
        tags: ['alerts'],
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }),
        response: { 200: Type.Object({ deliveries: Type.Array(Type.Object({}, { additionalProperties: true })) }), 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      requireRole(request, 'owner');
      return { deliveries: alerts.notifier.deliveries(request.query.limit ?? 100) as unknown as Array<Record<string, unknown>> };
    },
  );
};
