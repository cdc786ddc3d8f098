import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors.ts';
import type { WarehouseReader } from '../warehouse/warehouse-reader.ts';

const Readiness = Type.Object({
  ready: Type.Boolean(),
  reason: Type.Union([Type.String(), Type.Null()]),
  warehouse: Type.Union([
    Type.Object({
      as_of: Type.String({ format: 'date-time', description: 'The "now" the build evaluated its clocks at.' }),
      built_at: Type.String({ format: 'date-time' }),
      lag_seconds: Type.Integer({ description: 'Seconds since the build ran.' }),
    }),
    Type.Null(),
  ]),
});

/** GET /readyz: 200 when a warehouse is there and was built within api.staleAfterSeconds, else 503. */
export const readinessRoute: FastifyPluginAsyncTypebox<{ warehouse: WarehouseReader; staleAfterSeconds: number }> = async (app, options) => {
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: the warehouse is present and fresh', tags: ['health'], security: [], response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      try {
        const snapshot = await options.warehouse.snapshot();
        // Freshness is real time since the build ran, whatever clock the build was pinned to.
        const lag = Math.max(0, Math.floor((Date.now() - snapshot.builtAt.getTime()) / 1000));
        const stale = lag > options.staleAfterSeconds;
        return reply.status(stale ? 503 : 200).send({
          ready: !stale,
          reason: stale ? `the last build ran ${lag} s ago (more than ${options.staleAfterSeconds} s)` : null,
          warehouse: { as_of: snapshot.asOf.toISOString(), built_at: snapshot.builtAt.toISOString(), lag_seconds: lag },
        });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return reply.status(503).send({ ready: false, reason: error.message, warehouse: null });
      }
    },
  );
};
