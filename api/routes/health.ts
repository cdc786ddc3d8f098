import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkFilters } from '../auth/scope.ts';
import { badRequest, errorResponses } from '../errors.ts';
import { jsonRows } from '../warehouse/json-rows.ts';
import type { WarehouseReader } from '../warehouse/warehouse-reader.ts';
import { scopeParams } from './queue.ts';

const WEEKLY_SQL = `
  select health.*
  from agg_response_health_weekly as health
  left join dim_agents as agents using (agent_id)
  where week_start >= coalesce($from_week::date, (select max(week_start) from agg_response_health_weekly) - 7 * ($weeks - 1))
    and week_start <= coalesce($to_week::date, (select max(week_start) from agg_response_health_weekly))
    and ($category::varchar is null or triage_category = $category)
    and ($agent::varchar is null or agent_id = $agent)
    -- A supervisor sees their team's people, an agent themselves: never the 'all' rows, which hold other teams.
    and ($scope_team::varchar is null or agents.team = $scope_team)
    and ($scope_agent::varchar is null or agent_id = $scope_agent)
  order by week_start desc, triage_category, agent_id`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** GET /api/health/weekly - agg_response_health_weekly as JSON. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ warehouse: WarehouseReader }> = async (app, { warehouse }) => {
  app.get(
    '/health/weekly',
    {
      schema: {
        summary: 'Weekly response health (agg_response_health_weekly), newest week first',
        tags: ['health'],
        querystring: Type.Object({
          from: Type.Optional(Type.String({ description: 'First week (a date; weeks start on Monday).' })),
          to: Type.Optional(Type.String({ description: 'Last week.' })),
          weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 520, default: 8, description: 'Weeks back from the latest, when from is not given.' })),
          category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          agent: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        response: {
          200: Type.Object({ warehouse_as_of: Type.String({ format: 'date-time' }), rows: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...errorResponses(400, 401, 403, 429, 503),
        },
      },
    },
    async (request) => {
      const { query, principal } = request;
      checkFilters(principal, { agent: query.agent });
      for (const [name, value] of [['from', query.from], ['to', query.to]] as const) {
        if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) throw badRequest(`${name} "${value}" is not a date like 2026-11-23`);
      }
      const snapshot = await warehouse.snapshot();
      const rows = await warehouse.withConnection(snapshot, async (connection) =>
        jsonRows(
          await connection.runAndReadAll(WEEKLY_SQL, {
            ...scopeParams(principal),
            from_week: query.from ?? null,
            to_week: query.to ?? null,
            weeks: query.weeks ?? 8,
            category: query.category ?? null,
            agent: query.agent ?? null,
          }),
        ),
      );
      return { warehouse_as_of: snapshot.asOf.toISOString(), rows };
    },
  );
};
