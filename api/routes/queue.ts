import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AlertService } from '../alerts/alert-service.ts';
import { checkFilters } from '../auth/scope.ts';
import type { Principal } from '../auth/principal.ts';
import { badRequest, errorResponses } from '../errors.ts';
import { jsonRows } from '../warehouse/json-rows.ts';
import type { WarehouseReader } from '../warehouse/warehouse-reader.ts';
import { decodeCursor, encodeCursor } from './alert-json.ts';

const Text = Type.Union([Type.String(), Type.Null()]);
const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const QueueItem = Type.Object({
  priority_rank: Type.Integer({ description: 'Place in the queue as of the build: 1 acts first.' }),
  priority_score: Type.Integer(),
  inquiry_id: Type.String(),
  contact_id: Type.String(),
  contact_wa_id: Text,
  contact_name: Text,
  triage_category: Type.String(),
  action: Type.String(),
  assignee_agent_id: Text,
  owner_agent_id: Text,
  team: Text,
  obligation_id: Text,
  obligation_kind: Text,
  waiting_since: Time,
  due_at: Time,
  seconds_late: Type.Union([Type.Integer(), Type.Null()], { description: 'Seconds past due now (negative before); null when no reply is owed.' }),
  requires_template: Type.Boolean({ description: "WhatsApp's 24-hour window is closed now: only a template can be sent." }),
  deal_value_inr: Type.Union([Type.Number(), Type.String(), Type.Null()]),
  escalation_triggers: Type.Array(Type.String()),
  reason: Type.String(),
  context: Type.String({ description: 'Path of the inquiry context.' }),
});

/** SQL limits of one key: a supervisor their team, an agent what they own or should act on. */
export function scopeParams(principal: Principal): { scope_team: string | null; scope_agent: string | null } {
  return {
    scope_team: principal.role === 'supervisor' ? principal.team! : null,
    scope_agent: principal.role === 'agent' ? principal.agentId! : null,
  };
}

/** The whole queue of one build, with the team each item belongs to (the owner's, else the assignee's). */
const QUEUE_SQL = `
  select next_actions.*, coalesce(owners.team, assignees.team) as team
  from rpt_next_actions as next_actions
  left join dim_agents as owners on owners.agent_id = next_actions.owner_agent_id
  left join dim_agents as assignees on assignees.agent_id = next_actions.assignee_agent_id
  order by priority_rank`;

type QueueRow = Record<string, unknown>;

/** The team's queue, rpt_next_actions in priority order, with lateness and the 24-hour window as of now. */
export const queueRoute: FastifyPluginAsyncTypebox<{ warehouse: WarehouseReader; alerts: AlertService }> = async (app, { warehouse, alerts }) => {
  // The queue changes only with a build: read once per build, then every request filters in memory.
  let cached: { version: string; rows: Promise<QueueRow[]> } | undefined;
  const queueOf = (snapshot: Awaited<ReturnType<WarehouseReader['snapshot']>>): Promise<QueueRow[]> => {
    if (cached?.version !== snapshot.version) {
      const rows = warehouse.withConnection(snapshot, async (connection) => jsonRows(await connection.runAndReadAll(QUEUE_SQL)));
      cached = { version: snapshot.version, rows };
      rows.catch(() => {
        if (cached?.rows === rows) cached = undefined;
      });
    }
    return cached.rows;
  };

  app.get(
    '/queue',
    {
      schema: {
        summary: 'Recommended next actions, highest priority first',
        tags: ['queue'],
        querystring: Type.Object({
          assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          team: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          inquiry_id: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
          action: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({ now: Type.String({ format: 'date-time' }), warehouse_as_of: Type.String({ format: 'date-time' }), items: Type.Array(QueueItem), next_cursor: Text }),
          ...errorResponses(400, 401, 403, 429, 503),
        },
      },
    },
    async (request) => {
      const { query, principal } = request;
      checkFilters(principal, { team: query.team, agent: query.assignee });
      const limit = query.limit ?? 50;
      const offset = decodeCursor(query.cursor);
      if (offset < 0) throw badRequest('cursor is not one this API gave out');
      const snapshot = await warehouse.snapshot();
      const scope = scopeParams(principal);
      const queue = await queueOf(snapshot);
      const matches = (row: (typeof queue)[number]): boolean =>
        (scope.scope_team === null || row.team === scope.scope_team) &&
        (scope.scope_agent === null || row.owner_agent_id === scope.scope_agent || row.assignee_agent_id === scope.scope_agent) &&
        (query.assignee === undefined || row.assignee_agent_id === query.assignee) &&
        (query.team === undefined || row.team === query.team) &&
        (query.inquiry_id === undefined || row.inquiry_id === query.inquiry_id) &&
        (query.action === undefined || row.action === query.action);
      // The queue is in priority order: stop one row past the page instead of filtering all of it.
      const upTo: typeof queue = [];
      for (const row of queue) {
        if (matches(row) && upTo.push(row) > offset + limit) break;
      }
      const rows = upTo.slice(offset, offset + limit + 1);
      const now = alerts.now().getTime();
      const items = rows.slice(0, limit).map((row) => ({
        ...row,
        seconds_late: typeof row.due_at === 'string' ? Math.floor((now - Date.parse(row.due_at)) / 1000) : null,
        requires_template: typeof row.service_window_closes_at === 'string' && now > Date.parse(row.service_window_closes_at),
        context: `/api/inquiries/${encodeURIComponent(String(row.inquiry_id))}`,
      }));
      return {
        now: new Date(now).toISOString(),
        warehouse_as_of: snapshot.asOf.toISOString(),
        items: items as never,
        next_cursor: rows.length > limit ? encodeCursor(offset + limit) : null,
      };
    },
  );
};
