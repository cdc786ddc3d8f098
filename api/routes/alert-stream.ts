import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerResponse } from 'node:http';
import type { AlertService } from '../alerts/alert-service.ts';
import { canSee } from '../auth/scope.ts';
import { errorResponses } from '../errors.ts';
import { alertJson } from './alert-json.ts';

/** A comment line every so often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events for a live supervisor screen: first a `snapshot` of the alerts the key may see,
 * then one `alert` event per change (fired, acknowledged, snoozed, silenced, updated, resolved),
 * as the timer or any request evaluates. Streams end when the server shuts down.
 */
export const alertStreamRoute: FastifyPluginAsyncTypebox<{ alerts: AlertService }> = async (app, { alerts }) => {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const response of open) response.end();
  });

  app.get(
    '/alerts/stream',
    {
      schema: {
        summary: 'Alert changes as Server-Sent Events (text/event-stream)',
        tags: ['alerts'],
        response: {
          200: {
            description: 'event: snapshot, then event: alert per change; data is JSON.',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          ...errorResponses(401, 503),
        },
      },
    },
    async (request, reply) => {
      const evaluation = await alerts.evaluate();
      const visible = (alert: Parameters<typeof alertJson>[0]) =>
        canSee(request.principal, { team: alert.team, ownerAgentId: alert.ownerAgentId, assigneeAgentId: alert.assigneeAgentId });
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
        // Nginx and similar proxies buffer responses unless told not to.
        'x-accel-buffering': 'no',
      });
      // HEAD (fastify adds it to every GET) has no body, so Node would never send these headers:
      // without this the request hangs, holding a subscription, until the client gives up.
      if (request.method === 'HEAD') {
        response.end();
        return;
      }
      let sequence = 0;
      const send = (event: string, data: unknown): void => {
        sequence += 1;
        response.write(`id: ${sequence}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      send('snapshot', { now: evaluation.at.toISOString(), alerts: evaluation.alerts.filter(visible).map((alert) => alertJson(alert, evaluation.at)) });
      open.add(response);
      const unsubscribe = alerts.subscribe((changes) => {
        for (const change of changes) {
          if (visible(change.alert)) send('alert', { type: change.type, at: change.at, alert: alertJson(change.alert, new Date(change.at)) });
        }
      });
      const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const stop = (): void => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
      };
      response.on('close', stop);
      response.on('error', stop);
    },
  );
};
