import { Type, type Static } from '@sinclair/typebox';
import { ALERT_KINDS, secondsLate, SEVERITIES, type Alert } from '../alerts/alert.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

/** An alert as the API shows it (snake_case, like the marts). */
export const AlertBody = Type.Object({
  id: Type.String(),
  kind: Type.Union(ALERT_KINDS.map((kind) => Type.Literal(kind))),
  severity: Type.Union(SEVERITIES.map((severity) => Type.Literal(severity))),
  status: Type.Union(['firing', 'acknowledged', 'snoozed', 'silenced'].map((status) => Type.Literal(status))),
  inquiry_id: Type.String(),
  obligation_id: Nullable(Type.String()),
  triage_category: Type.String(),
  contact: Type.Object({ id: Type.String(), wa_id: Nullable(Type.String()), name: Nullable(Type.String()) }),
  owner_agent_id: Nullable(Type.String()),
  assignee_agent_id: Nullable(Type.String()),
  team: Nullable(Type.String()),
  supervisor_agent_id: Nullable(Type.String()),
  fires_at: Time,
  due_at: Time,
  seconds_late: Type.Integer({ description: 'Seconds past due_at now; negative while at risk.' }),
  deal_value_inr: Type.Union([Type.Number(), Type.Null()]),
  action: Nullable(Type.String()),
  reason: Type.String(),
  requires_template: Type.Boolean(),
  acknowledged_by: Nullable(Type.String()),
  acknowledged_at: Nullable(Time),
  snoozed_until: Nullable(Time),
  silenced_by: Nullable(Type.String()),
  links: Type.Object({ context: Type.String(), queue: Type.String() }),
});
export type AlertBody = Static<typeof AlertBody>;

/** An alert as the API shows it at `at` (the evaluation's moment). */
export function alertJson(alert: Alert, at: Date): AlertBody {
  return {
    id: alert.id,
    kind: alert.kind,
    severity: alert.severity,
    status: alert.status,
    inquiry_id: alert.inquiryId,
    obligation_id: alert.obligationId,
    triage_category: alert.triageCategory,
    contact: { id: alert.contact.id, wa_id: alert.contact.waId, name: alert.contact.name },
    owner_agent_id: alert.ownerAgentId,
    assignee_agent_id: alert.assigneeAgentId,
    team: alert.team,
    supervisor_agent_id: alert.supervisorAgentId,
    fires_at: alert.firesAt,
    due_at: alert.dueAt,
    seconds_late: secondsLate(alert, at),
    deal_value_inr: alert.dealValueInr,
    action: alert.action,
    reason: alert.reason,
    requires_template: alert.requiresTemplate,
    acknowledged_by: alert.acknowledgedBy,
    acknowledged_at: alert.acknowledgedAt,
    snoozed_until: alert.snoozedUntil,
    silenced_by: alert.silencedBy,
    links: alert.links,
  };
}

/** An opaque page cursor: the offset into the ordered list (alerts are re-evaluated on every request). */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^o:/, ''));
  return Number.isInteger(offset) && offset >= 0 ? offset : -1;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}
