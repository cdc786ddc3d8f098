import type { WarehouseReader } from '../warehouse/warehouse-reader.ts';
import type { Alert, AlertChange, Severity } from './alert.ts';
import { loadAlertClocks, type AlertClock, type LoadedClocks } from './alert-clocks.ts';
import type { AlertState } from './alert-state.ts';
import type { LiveReplies } from './live-replies.ts';

export interface AlertEngineOptions {
  warehouse: WarehouseReader;
  state: AlertState;
  liveReplies: LiveReplies;
  /** Share of the first-response target after which it is at risk (config alerts.atRiskShare). */
  atRiskShare: number;
  /** Changes whenever people ack, snooze or silence: an evaluation from before it is not reused. */
  stateRevision?: () => number;
}

export interface Evaluation {
  at: Date;
  /** When every clock was last compared: earlier than `at` when nothing could have changed since. */
  comparedAt: Date;
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
  /**
   * While a full comparison is running: the last one re-timed to `now`, if no person changed an
   * alert since; else undefined. At most one comparison's duration behind, and never blocks.
   */
  whileComparing(now: Date): Evaluation | undefined;
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

  // The last full comparison, and until when nothing in it can change by the clock alone.
  let last: { evaluation: Evaluation; snapshot: string; replies: number; revision: number; validUntil: number } | undefined;
  let comparing = false;

  const run = async (now: Date): Promise<Evaluation> => {
    // Loading a new build's clocks or comparing every clock: requests meanwhile get the last answer.
    comparing = true;
    try {
      const { snapshot, clocks, roleLevels } = await clocksFor();
      const time = now.getTime();
      const buildTime = snapshot.asOf.getTime();
      await options.liveReplies.refresh(buildTime);
      const revision = options.stateRevision?.() ?? 0;
      if (
        last &&
        last.snapshot === snapshot.version &&
        last.replies === options.liveReplies.seen &&
        last.revision === revision &&
        time >= last.evaluation.at.getTime() &&
        time < last.validUntil
      ) {
        return retimed(last.evaluation, now);
      }
      return await compare(now, snapshot, clocks, roleLevels, time, buildTime, revision);
    } finally {
      comparing = false;
    }
  };

  const compare = async (
    now: Date,
    snapshot: LoadedClocks['snapshot'],
    clocks: AlertClock[],
    roleLevels: Map<string, number>,
    time: number,
    buildTime: number,
    revision: number,
  ): Promise<Evaluation> => {
    // The earliest moment after `now` at which a comparison below would come out differently.
    let validUntil = Number.POSITIVE_INFINITY;
    const changesAt = (moment: number | null): void => {
      if (moment !== null && moment > time && moment < validUntil) validUntil = moment;
    };
    const repliedTo = (clock: AlertClock): boolean => {
      if (!clock.resolvesOnReply || !clock.contactWaId) return false;
      for (const reply of options.liveReplies.repliesTo(clock.phoneNumberId, clock.contactWaId, buildTime)) {
        if (reply.sentAt < clock.startedAt) continue;
        if (clock.resolvingRoleLevel !== null && (roleLevels.get(reply.agentId) ?? 0) < clock.resolvingRoleLevel) continue;
        if (reply.sentAt <= time) return true;
        changesAt(reply.sentAt);
      }
      return false;
    };

    const firing = new Map<string, AlertClock>();
    let visited = 0;
    for (const clock of clocks) {
      // Requests keep being answered while a large business's clocks are compared.
      if (++visited % YIELD_EVERY === 0) await yieldToRequests();
      const firesAt = clock.kind === 'first_response_at_risk' ? clock.startedAt + options.atRiskShare * (clock.dueAt - clock.startedAt) : clock.firesAt;
      if (firesAt === null) continue;
      if (time < firesAt) {
        changesAt(firesAt);
        continue;
      }
      // At risk only until it is due; from then the breach speaks for the same obligation.
      if (clock.kind === 'first_response_at_risk') {
        if (time >= clock.dueAt) continue;
        changesAt(clock.dueAt);
      }
      if (repliedTo(clock)) continue;
      changesAt(clock.escalatesAt);
      changesAt(clock.serviceWindowClosesAt === null ? null : clock.serviceWindowClosesAt + 1);
      firing.set(clock.alertId, clock);
    }
    for (const silence of options.state.silences()) {
      changesAt(Date.parse(silence.starts_at));
      changesAt(Date.parse(silence.ends_at));
    }

    // Most severe then soonest due, so every request only filters and pages. The clocks come ordered
    // by due then id (loadAlertClocks), so putting each alert in its severity's list orders them
    // without sorting every firing alert in one step on the event loop.
    const bySeverity: Record<Severity, Alert[]> = { critical: [], warning: [], info: [] };
    let made = 0;
    for (const clock of firing.values()) {
      if (++made % ALERTS_BETWEEN_YIELDS === 0) await yieldToRequests();
      const alert = toAlert(clock, now, options);
      if (alert.snoozedUntil) changesAt(Date.parse(alert.snoozedUntil));
      bySeverity[alert.severity].push(alert);
    }
    const alerts = [...bySeverity.critical, ...bySeverity.warning, ...bySeverity.info];
    const current = new Map<string, Alert>();
    const changes: AlertChange[] = [];
    const at = now.toISOString();
    for (const alert of alerts) {
      if (current.size % YIELD_EVERY === YIELD_EVERY - 1) await yieldToRequests();
      current.set(alert.id, alert);
      const before = previous.get(alert.id);
      if (!before) changes.push({ type: 'fired', at, alert });
      else if (before.status !== alert.status) changes.push({ type: statusChange(alert), at, alert });
      else if (before.severity !== alert.severity || before.action !== alert.action) changes.push({ type: 'updated', at, alert });
    }
    let checked = 0;
    for (const [id, alert] of previous) {
      if (++checked % YIELD_EVERY === 0) await yieldToRequests();
      if (current.has(id)) continue;
      options.state.resolved(id, now);
      changes.push({ type: 'resolved', at, alert });
    }
    previous = current;
    const evaluation: Evaluation = { at: now, comparedAt: now, alerts, changes, warehouse: { asOf: snapshot.asOf, builtAt: snapshot.builtAt } };
    // The revision from before the comparison: an ack or snooze made while it yielded is not in
    // these alerts, so a changed revision must make the next evaluation compare again.
    last = { evaluation, snapshot: snapshot.version, replies: options.liveReplies.seen, revision, validUntil };
    if (changes.length) for (const listener of listeners) listener(changes, evaluation);
    return evaluation;
  };

  return {
    evaluate(now) {
      const next = queue.then(() => run(now));
      queue = next.catch(() => undefined);
      return next;
    },
    whileComparing(now) {
      if (!comparing || !last || now.getTime() < last.evaluation.at.getTime()) return undefined;
      if (last.revision !== (options.stateRevision?.() ?? 0)) return undefined;
      return retimed(last.evaluation, now);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Clocks compared between two yields to the event loop: a few milliseconds of work. */
const YIELD_EVERY = 2000;

/** Alerts built between two yields: each is an object of ~25 fields with its times as text. */
const ALERTS_BETWEEN_YIELDS = 500;

const yieldToRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The same alerts at a later moment before anything crosses a threshold (lateness is computed when shown). */
function retimed(evaluation: Evaluation, now: Date): Evaluation {
  return { ...evaluation, at: now, changes: [] };
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
