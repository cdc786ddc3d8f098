import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isIsoInstant } from '../../lib/clock.ts';
import { ALERT_KINDS, SEVERITIES } from '../alerts/alert.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { Silence } from '../alerts/alert-state.ts';
import { requireRole } from '../auth/authenticate.ts';
import { actor } from '../auth/scope.ts';
import type { Principal } from '../auth/principal.ts';
import { badRequest, errorResponses, forbidden, notFound } from '../errors.ts';

const Matchers = Type.Object(
  {
    kind: Type.Optional(Type.Union(ALERT_KINDS.map((kind) => Type.Literal(kind)))),
    severity: Type.Optional(Type.Union(SEVERITIES.map((severity) => Type.Literal(severity)))),
    team: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    agent: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    inquiry_id: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  },
  { additionalProperties: false },
);
const SilenceBody = Type.Object({
  id: Type.String(),
  matchers: Matchers,
  starts_at: Type.String({ format: 'date-time' }),
  ends_at: Type.String({ format: 'date-time' }),
  created_by: Type.String(),
  comment: Type.Union([Type.String(), Type.Null()]),
  expired_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const Errors = errorResponses(400, 401, 403, 404, 429);
const MAX_SILENCE_MS = 90 * 86_400_000;

/** A supervisor's silences are their team's: one they create is bound to it, and only those they see. */
function visible(principal: Principal, silence: Silence): boolean {
  return principal.role !== 'supervisor' || silence.matchers.team === principal.team;
}

/** Silences: matchers that keep alerts from notifying (they still show, as silenced) until they end. */
export const silenceRoutes: FastifyPluginAsyncTypebox<{ alerts: AlertService }> = async (app, { alerts }) => {
  app.get(
    '/silences',
    { schema: { summary: 'Silences, active and ended', tags: ['alerts'], response: { 200: Type.Object({ silences: Type.Array(SilenceBody) }), ...Errors } } },
    async (request) => {
      requireRole(request, 'owner', 'supervisor', 'analyst');
      return { silences: alerts.state.silences().filter((silence) => visible(request.principal, silence)) };
    },
  );

  app.post(
    '/silences',
    {
      schema: {
        summary: 'Silence the alerts that match, from now (or starts_at) until ends_at',
        tags: ['alerts'],
        body: Type.Object(
          {
            matchers: Matchers,
            starts_at: Type.Optional(Type.String()),
            ends_at: Type.String(),
            comment: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: SilenceBody, ...Errors },
      },
    },
    async (request, reply) => {
      requireRole(request, 'owner', 'supervisor');
      const { body, principal } = request;
      const matchers = { ...body.matchers };
      if (principal.role === 'supervisor') {
        if (matchers.team !== undefined && matchers.team !== principal.team) throw forbidden(`this key may silence team ${principal.team} only`);
        matchers.team = principal.team!;
      }
      if (Object.keys(matchers).length === 0) throw badRequest('matchers is empty: a silence of every alert needs at least one matcher');
      for (const [name, value] of [['starts_at', body.starts_at], ['ends_at', body.ends_at]] as const) {
        if (value !== undefined && !isIsoInstant(value)) throw badRequest(`${name} "${value}" is not an ISO 8601 time with an offset`);
      }
      const now = alerts.now();
      const startsAt = body.starts_at === undefined ? now : new Date(body.starts_at);
      const endsAt = new Date(body.ends_at);
      if (endsAt <= startsAt || endsAt <= now) throw badRequest('ends_at must be after starts_at and in the future');
      if (endsAt.getTime() - startsAt.getTime() > MAX_SILENCE_MS) throw badRequest('a silence lasts at most 90 days');
      const silence = alerts.state.addSilence(matchers, startsAt, endsAt, actor(principal), body.comment ?? null);
      await alerts.evaluate();
      return reply.status(201).send(silence);
    },
  );

  app.delete(
    '/silences/:id',
    {
      schema: {
        summary: 'End a silence now',
        tags: ['alerts'],
        params: Type.Object({ id: Type.String({ pattern: '^sil_[0-9a-f]{12}$' }) }),
        response: { 200: SilenceBody, ...Errors },
      },
    },
    async (request) => {
      requireRole(request, 'owner', 'supervisor');
      const existing = alerts.state.silences().find((silence) => silence.id === request.params.id);
      if (!existing || !visible(request.principal, existing)) throw notFound(`silence ${request.params.id}`);
      const ended = alerts.state.expireSilence(existing.id, actor(request.principal), alerts.now())!;
      await alerts.evaluate();
      return ended;
    },
  );
};
