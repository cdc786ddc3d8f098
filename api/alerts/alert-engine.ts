import type { WarehouseReader } from '../warehouse/warehouse-reader.ts';
import type { Alert, AlertChange } from './alert.ts';
import { loadAlertClocks, type AlertClock, type LoadedClocks } from './alert-clocks.ts';
import type { AlertState } from './alert-state.ts';
import type { LiveReplies } from './live-replies.ts';

export interface AlertEngineOptions {
  warehouse: WarehouseReader;
  state: AlertState;
  liveReplies: LiveReplies;
  /** Share of the first-response target after which it is at risk (config alerts.atRiskShare). */
  atRiskShare: number;
}

export interface Evaluation {
  at: Date;
  alerts: Alert[];
  changes: AlertChange[];
  warehouse: { asOf: Date; builtAt: Date };
}

export interface AlertEngine {
  /**
   * Compares every clock with `now`: which alerts fire, which resolved (by a reply in the landing
   * log or a new build), with their severity and status. Evaluations run one at a time; each
   * reports what changed since the one before to the subscribers.
   */
  evaluate(now: Date): Promise<Evaluation>;
  subscribe(listener: (changes: AlertChange[], evaluation: Evaluation) => void): () => void;
}

export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  let loaded: LoadedClocks | undefined;
  let previous = new Map<string, Alert>();
  let queue: Promise<unknown> = Promise.resolve();
  const listeners = new Set<(changes: AlertChange[], evaluation: Evaluation) => void>();

  const clocksFor = async (): Promise<LoadedClocks> => {
    const snapshot = await options.warehouse.snapshot();
    if (loaded?.snapshot.version !== snapshot.version) loaded = await loadAlertClocks(options.warehouse, snapshot);
    return loaded;
  };

  const run = async (now: Date): Promise<Evaluation> => {
    const { snapshot, clocks, roleLevels } = await clocksFor();
    const time = now.getTime();
    const buildTime = snapshot.asOf.getTime();
    options.liveReplies.refresh(buildTime);
    const repliedTo = (clock: AlertClock): boolean => {
      if (!clock.resolvesOnReply || !clock.contactWaId) return false;
      return options.liveReplies
        .repliesTo(clock.phoneNumberId, clock.contactWaId, buildTime)
        .some(
          (reply) =>
            reply.sentAt >= clock.startedAt &&
            reply.sentAt <= time &&
            (clock.resolvingRoleLevel === null || (roleLevels.get(reply.agentId) ?? 0) >= clock.resolvingRoleLevel),
        );
    };

    const firing = new Map<string, AlertClock>();
    for (const clock of clocks) {
      const firesAt = clock.kind === 'first_response_at_risk' ? clock.startedAt + options.atRiskShare * (clock.dueAt - clock.startedAt) : clock.firesAt;
      if (firesAt === null || time < firesAt) continue;
      // At risk only until it is due; from then the breach speaks for the same obligation.
      if (clock.kind === 'first_response_at_risk' && time >= clock.dueAt) continue;
      if (repliedTo(clock)) continue;
      firing.set(clock.alertId, clock);
    }

    // Sorted once here, most severe then soonest due, so every request only filters and pages.
    const alerts = [...firing.values()].map((clock) => toAlert(clock, now, options)).sort(bySeverityThenDue);
    const current = new Map(alerts.map((alert) => [alert.id, alert]));
    const changes: AlertChange[] = [];
    const at = now.toISOString();
    for (const alert of alerts) {
      const before = previous.get(alert.id);
      if (!before) changes.push({ type: 'fired', at, alert });
      else if (before.status !== alert.status) changes.push({ type: statusChange(alert), at, alert });
      else if (before.severity !== alert.severity || before.action !== alert.action) changes.push({ type: 'updated', at, alert });
    }
    for (const [id, alert] of previous) {
      if (current.has(id)) continue;
      options.state.resolved(id, now);
      changes.push({ type: 'resolved', at, alert });
    }
    previous = current;
    const evaluation: Evaluation = { at: now, alerts, changes, warehouse: { asOf: snapshot.asOf, builtAt: snapshot.builtAt } };
    if (changes.length) for (const listener of listeners) listener(changes, evaluation);
    return evaluation;
  };

  return {
    evaluate(now) {
      const next = queue.then(() => run(now));
      queue = next.catch(() => undefined);
      return next;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

function bySeverityThenDue(a: Alert, b: Alert): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function statusChange(alert: Alert): AlertChange['type'] {
  if (alert.status === 'acknowledged') return 'acknowledged';
  if (alert.status === 'snoozed') return 'snoozed';
  if (alert.status === 'silenced') return 'silenced';
  return 'updated';
}

function toAlert(clock: AlertClock, now: Date, options: AlertEngineOptions): Alert {
  const time = now.getTime();
  const marks = options.state.marks(clock.alertId);
  const firesAt = clock.kind === 'first_response_at_risk' ? clock.startedAt + options.atRiskShare * (clock.dueAt - clock.startedAt) : clock.firesAt!;
  const alert: Alert = {
    id: clock.alertId,
    kind: clock.kind,
    severity: clock.escalatesAt !== null && time >= clock.escalatesAt ? clock.escalatedSeverity : clock.severity,
    status: 'firing',
    inquiryId: clock.inquiryId,
    obligationId: clock.obligationId,
    triageCategory: clock.triageCategory,
    contact: { id: clock.contactId, waId: clock.contactWaId, name: clock.contactName },
    ownerAgentId: clock.ownerAgentId,
    assigneeAgentId: clock.assigneeAgentId,
    team: clock.team,
    supervisorAgentId: clock.supervisorAgentId,
    firesAt: new Date(Math.round(firesAt)).toISOString(),
    dueAt: new Date(clock.dueAt).toISOString(),
    secondsLate: Math.floor((time - clock.dueAt) / 1000),
    dealValueInr: clock.dealValueInr,
    action: clock.action,
    reason: clock.reason,
    requiresTemplate: clock.serviceWindowClosesAt !== null && time > clock.serviceWindowClosesAt,
    acknowledgedBy: marks.acknowledgedBy ?? null,
    acknowledgedAt: marks.acknowledgedAt ?? null,
    snoozedUntil: marks.snoozedUntil && Date.parse(marks.snoozedUntil) > time ? marks.snoozedUntil : null,
    silencedBy: null,
    links: { context: `/api/inquiries/${encodeURIComponent(clock.inquiryId)}`, queue: `/api/queue?inquiry_id=${encodeURIComponent(clock.inquiryId)}` },
  };
  const silence = options.state.silencing(alert, now);
  alert.silencedBy = silence?.id ?? null;
  alert.status = alert.silencedBy ? 'silenced' : alert.snoozedUntil ? 'snoozed' : alert.acknowledgedAt ? 'acknowledged' : 'firing';
  return alert;
}
