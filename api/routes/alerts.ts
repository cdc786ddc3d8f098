import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isIsoInstant } from '../../lib/clock.ts';
import { ALERT_KINDS, SEVERITIES, type Alert } from '../alerts/alert.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import { requireRole } from '../auth/authenticate.ts';
import { actor, canSee, checkFilters } from '../auth/scope.ts';
import { badRequest, errorResponses, notFound } from '../errors.ts';
import { AlertBody, alertJson, decodeCursor, encodeCursor } from './alert-json.ts';

const AlertId = Type.String({ pattern: '^al_[0-9a-f]{20}$', description: 'An alert id (al_ and 20 hex digits).' });
const Errors = errorResponses(400, 401, 403, 404, 429, 503);

/** Firing alerts, one alert, and what people do to one: acknowledge, snooze. */
export const alertRoutes: FastifyPluginAsyncTypebox<{ alerts: AlertService }> = async (app, { alerts }) => {
  app.get(
    '/alerts',
    {
      schema: {
        summary: 'Firing alerts, evaluated against the clock now',
        tags: ['alerts'],
        querystring: Type.Object({
          kind: Type.Optional(Type.Union(ALERT_KINDS.map((kind) => Type.Literal(kind)))),
          severity: Type.Optional(Type.Union(SEVERITIES.map((severity) => Type.Literal(severity)))),
          status: Type.Optional(Type.Union(['firing', 'acknowledged', 'snoozed', 'silenced'].map((status) => Type.Literal(status)))),
          agent: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Owner or assignee.' })),
          team: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          inquiry_id: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
          since: Type.Optional(Type.String({ description: 'Only alerts that fired at or after this ISO 8601 time (with offset).' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({
            now: Type.String({ format: 'date-time' }),
            warehouse_as_of: Type.String({ format: 'date-time' }),
            alerts: Type.Array(AlertBody),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...Errors,
        },
      },
    },
    async (request) => {
      const query = request.query;
      checkFilters(request.principal, query);
      if (query.since !== undefined && !isIsoInstant(query.since)) throw badRequest(`since "${query.since}" is not an ISO 8601 time with an offset`);
      const offset = decodeCursor(query.cursor);
      if (offset < 0) throw badRequest('cursor is not one this API gave out');
      const since = query.since === undefined ? undefined : Date.parse(query.since);
      const evaluation = await alerts.evaluate();
      const matches = (alert: Alert): boolean =>
        canSee(request.principal, alert) &&
        (query.kind === undefined || alert.kind === query.kind) &&
        (query.severity === undefined || alert.severity === query.severity) &&
        (query.status === undefined || alert.status === query.status) &&
        (query.agent === undefined || alert.ownerAgentId === query.agent || alert.assigneeAgentId === query.agent) &&
        (query.team === undefined || alert.team === query.team) &&
        (query.category === undefined || alert.triageCategory === query.category) &&
        (query.inquiry_id === undefined || alert.inquiryId === query.inquiry_id) &&
        (since === undefined || Date.parse(alert.firesAt) >= since);
      const limit = query.limit ?? 100;
      // The list is sorted already: stop at the first match past the page (is there a next page?)
      // rather than filter all of a large business's alerts on every request.
      const upTo: Alert[] = [];
      for (const alert of evaluation.alerts) {
        if (matches(alert) && upTo.push(alert) > offset + limit) break;
      }
      return {
        now: evaluation.at.toISOString(),
        warehouse_as_of: evaluation.warehouse.asOf.toISOString(),
        alerts: upTo.slice(offset, offset + limit).map((alert) => alertJson(alert, evaluation.at)),
        next_cursor: upTo.length > offset + limit ? encodeCursor(offset + limit) : null,
      };
    },
  );

  /** The alert as shown now, if it fires and the key may see it; else 404 alike. */
  const visibleAlert = async (principal: Parameters<typeof canSee>[0], id: string): Promise<AlertBody> => {
    const evaluation = await alerts.evaluate();
    const alert = evaluation.alerts.find((candidate) => candidate.id === id);
    if (!alert || !canSee(principal, alert)) throw notFound(`firing alert ${id}`);
    return alertJson(alert, evaluation.at);
  };

  app.get(
    '/alerts/:id',
    {
      schema: {
        summary: 'One firing alert',
        tags: ['alerts'],
        params: Type.Object({ id: AlertId }),
        response: { 200: AlertBody, ...Errors },
      },
    },
    async (request) => visibleAlert(request.principal, request.params.id),
  );

  app.post(
    '/alerts/:id/ack',
    {
      schema: {
        summary: 'Acknowledge an alert: someone is on it (stops repeat notifications)',
        tags: ['alerts'],
        params: Type.Object({ id: AlertId }),
        body: Type.Optional(Type.Object({ comment: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false })),
        response: { 200: AlertBody, ...Errors },
      },
      // The comment is optional, and so is a body to carry it.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      requireRole(request, 'owner', 'supervisor', 'agent');
      const alert = await visibleAlert(request.principal, request.params.id);
      alerts.state.acknowledge(alert.id, actor(request.principal), alerts.now(), request.body?.comment ?? null);
      return visibleAlert(request.principal, alert.id);
    },
  );

  app.post(
    '/alerts/:id/snooze',
    {
      schema: {
        summary: 'Snooze an alert until a time: no notifications until then',
        tags: ['alerts'],
        params: Type.Object({ id: AlertId }),
        body: Type.Object({ until: Type.String({ description: 'ISO 8601 time with offset, in the future, at most 7 days ahead.' }) }, { additionalProperties: false }),
        response: { 200: AlertBody, ...Errors },
      },
    },
    async (request) => {
      requireRole(request, 'owner', 'supervisor', 'agent');
      const { until } = request.body;
      if (!isIsoInstant(until)) throw badRequest(`until "${until}" is not an ISO 8601 time with an offset`);
      const now = alerts.now();
      const untilTime = Date.parse(until);
      if (untilTime <= now.getTime()) throw badRequest(`until ${until} is not in the future`);
      if (untilTime - now.getTime() > 7 * 86_400_000) throw badRequest('a snooze lasts at most 7 days; use a silence for longer');
      const alert = await visibleAlert(request.principal, request.params.id);
      alerts.state.snooze(alert.id, actor(request.principal), now, new Date(untilTime));
      return visibleAlert(request.principal, alert.id);
    },
  );
};
