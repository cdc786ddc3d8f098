import type { WarehouseReader, WarehouseSnapshot } from '../warehouse/warehouse-reader.ts';
import type { AlertKind, Severity } from './alert.ts';

/** One row of rpt_alert_clocks, the model that defines every alert's condition and clock. */
export interface AlertClock {
  alertId: string;
  kind: AlertKind;
  inquiryId: string;
  obligationId: string | null;
  phoneNumberId: string;
  contactId: string;
  contactWaId: string | null;
  contactName: string | null;
  triageCategory: string;
  ownerAgentId: string | null;
  assigneeAgentId: string | null;
  team: string | null;
  supervisorAgentId: string | null;
  startedAt: number;
  firesAt: number | null;
  dueAt: number;
  escalatesAt: number | null;
  severity: Severity;
  escalatedSeverity: Severity;
  dealValueInr: number | null;
  action: string | null;
  reason: string;
  serviceWindowClosesAt: number | null;
  resolvesOnReply: boolean;
  resolvingRoleLevel: number | null;
}

export interface LoadedClocks {
  snapshot: WarehouseSnapshot;
  clocks: AlertClock[];
  /** Roster id → role level, to judge whether a live reply's author may resolve an escalation. */
  roleLevels: Map<string, number>;
}

const time = (value: unknown): number | null => (value instanceof Date ? value.getTime() : null);

/**
 * Reads every alert clock of one build (~100k rows at 100k open inquiries), soonest due first. The
 * rows stream in chunks of a couple of thousand, so converting them never holds the event loop
 * for long: this runs in the API after every build, with requests waiting.
 */
export async function loadAlertClocks(reader: WarehouseReader, snapshot: WarehouseSnapshot): Promise<LoadedClocks> {
  return reader.withConnection(snapshot, async (connection) => {
    const agents = (await connection.runAndReadAll('select agent_id, role_level from dim_agents')).getRowObjectsJS();
    // Ordered as the API lists alerts within a severity (soonest due, then id), so no evaluation sorts.
    const result = await connection.stream('select * from rpt_alert_clocks order by epoch_ms(due_at), alert_id');
    const clocks: AlertClock[] = [];
    for await (const rows of result.yieldRowObjectJs()) for (const row of rows) clocks.push(toClock(row));
    return {
      snapshot,
      roleLevels: new Map(agents.map((agent) => [String(agent.agent_id), Number(agent.role_level ?? 0)])),
      clocks,
    };
  });
}

function toClock(row: Record<string, unknown>): AlertClock {
  return {
    alertId: String(row.alert_id),
    kind: row.kind as AlertKind,
    inquiryId: String(row.inquiry_id),
    obligationId: (row.obligation_id as string | null) ?? null,
    phoneNumberId: String(row.phone_number_id),
    contactId: String(row.contact_id),
    contactWaId: (row.contact_wa_id as string | null) ?? null,
    contactName: (row.contact_name as string | null) ?? null,
    triageCategory: String(row.triage_category),
    ownerAgentId: (row.owner_agent_id as string | null) ?? null,
    assigneeAgentId: (row.assignee_agent_id as string | null) ?? null,
    team: (row.team as string | null) ?? null,
    supervisorAgentId: (row.supervisor_agent_id as string | null) ?? null,
    startedAt: time(row.started_at)!,
    firesAt: time(row.fires_at),
    dueAt: time(row.due_at)!,
    escalatesAt: time(row.escalates_at),
    severity: row.severity as Severity,
    escalatedSeverity: row.escalated_severity as Severity,
    dealValueInr: row.deal_value_inr === null || row.deal_value_inr === undefined ? null : Number(row.deal_value_inr),
    action: (row.action as string | null) ?? null,
    reason: String(row.reason),
    serviceWindowClosesAt: time(row.service_window_closes_at),
    resolvesOnReply: row.resolves_on_reply === true,
    resolvingRoleLevel: row.resolving_role_level === null || row.resolving_role_level === undefined ? null : Number(row.resolving_role_level),
  };
}
