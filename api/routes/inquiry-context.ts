import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AlertService } from '../alerts/alert-service.ts';
import { canSee } from '../auth/scope.ts';
import { errorResponses, notFound } from '../errors.ts';
import { jsonRows } from '../warehouse/json-rows.ts';
import type { WarehouseReader } from '../warehouse/warehouse-reader.ts';
import { alertJson } from './alert-json.ts';

const Row = Type.Object({}, { additionalProperties: true });
const Rows = Type.Array(Row);

/** Everything a responder reads before writing: each part from the model that defines it. */
const PARTS = {
  inquiry: `select inquiries.*, coalesce(owners.team, assignees.team) as team, queue.assignee_agent_id
    from fct_inquiries as inquiries
    left join rpt_next_actions as queue using (inquiry_id)
    left join dim_agents as owners on owners.agent_id = inquiries.owner_agent_id
    left join dim_agents as assignees on assignees.agent_id = queue.assignee_agent_id
    where inquiry_id = $id`,
  contact: `select contacts.* from dim_contacts as contacts join fct_inquiries using (contact_id) where inquiry_id = $id`,
  deals: `select deal_id, deal_name, amount_inr, deal_stage, owner_agent_id, created_at, updated_at, closed_at
    from stg_crm__deal_versions
    where crm_contact_id = (select crm_contact_id from fct_inquiries where inquiry_id = $id)
    qualify row_number() over (partition by deal_id order by updated_at desc, deal_version_id desc) = 1
    order by updated_at desc`,
  past_inquiries: `select inquiry_id, opened_at, closed_at, close_reason, triage_category, first_response_agent_id, owner_agent_id,
      first_response_seconds, is_first_response_met, disposition, next_action
    from fct_inquiries
    where contact_id = (select contact_id from fct_inquiries where inquiry_id = $id)
      and phone_number_id = (select phone_number_id from fct_inquiries where inquiry_id = $id)
      and inquiry_id <> $id and opened_at < (select opened_at from fct_inquiries where inquiry_id = $id)
    order by opened_at desc
    limit 20`,
  messages: `select message_id, sent_at, direction, author_kind, agent_id, channel, message_type, message_text, template_name,
      delivery_status, is_delivery_failed
    from int_messages_by_inquiry where inquiry_id = $id order by sent_at, message_number`,
  handoffs: `select * from fct_handoffs where inquiry_id = $id order by handed_off_at`,
  team_events: `select event_id, event_type, event_at, agent_id, by_agent_id, from_agent_id, to_agent_id, note, reason, disposition, next_action, next_action_at
    from int_inbox_events_by_inquiry where inquiry_id = $id order by event_at, event_id`,
  obligations: `select * from fct_reply_obligations where inquiry_id = $id order by started_at, obligation_id`,
  next_action: `select * from rpt_next_actions where inquiry_id = $id`,
} as const;

async function readParts(connection: DuckDBConnection, id: string): Promise<Record<keyof typeof PARTS, Array<Record<string, unknown>>>> {
  const parts = {} as Record<keyof typeof PARTS, Array<Record<string, unknown>>>;
  for (const [name, sql] of Object.entries(PARTS) as Array<[keyof typeof PARTS, string]>) {
    parts[name] = jsonRows(await connection.runAndReadAll(sql, { id }));
  }
  return parts;
}

/** GET /api/inquiries/:id - the context failure's cure: history, deal, notes and what is owed, in one answer. */
export const inquiryContextRoute: FastifyPluginAsyncTypebox<{ warehouse: WarehouseReader; alerts: AlertService }> = async (app, { warehouse, alerts }) => {
  app.get(
    '/inquiries/:id',
    {
      schema: {
        summary: 'Everything a responder needs before writing',
        tags: ['queue'],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_.:=+-]+$' }) }),
        response: {
          200: Type.Object({
            inquiry: Row,
            contact: Type.Union([Row, Type.Null()]),
            deals: Rows,
            past_inquiries: Rows,
            messages: Rows,
            handoffs: Rows,
            team_events: Type.Array(Row, { description: 'Assignments, notes, acknowledgements, escalations and dispositions.' }),
            obligations: Rows,
            next_action: Type.Union([Row, Type.Null()]),
            alerts: Rows,
          }),
          ...errorResponses(400, 401, 404, 429, 503),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const snapshot = await warehouse.snapshot();
      const parts = await warehouse.withConnection(snapshot, (connection) => readParts(connection, id));
      const inquiry = parts.inquiry[0];
      const scoped = inquiry && {
        team: (inquiry.team as string | null) ?? null,
        ownerAgentId: (inquiry.owner_agent_id as string | null) ?? null,
        assigneeAgentId: (inquiry.assignee_agent_id as string | null) ?? null,
      };
      if (!inquiry || !scoped || !canSee(request.principal, scoped)) throw notFound(`inquiry ${id}`);
      const evaluation = await alerts.evaluate();
      return {
        ...parts,
        inquiry,
        contact: parts.contact[0] ?? null,
        next_action: parts.next_action[0] ?? null,
        alerts: evaluation.alerts.filter((alert) => alert.inquiryId === id).map((alert) => alertJson(alert, evaluation.at)),
      };
    },
  );
};
