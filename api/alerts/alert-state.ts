import { randomBytes } from 'node:crypto';
import { openJournal, type Journal } from '../state/journal.ts';
import type { Alert, AlertKind, Severity } from './alert.ts';

/** Equality matchers; a silence applies to an alert when every matcher given equals it. */
export interface SilenceMatchers {
  kind?: AlertKind;
  severity?: Severity;
  team?: string;
  /** The owner or the assignee. */
  agent?: string;
  category?: string;
  inquiry_id?: string;
}

export interface Silence {
  id: string;
  matchers: SilenceMatchers;
  starts_at: string;
  ends_at: string;
  created_by: string;
  comment: string | null;
  expired_at: string | null;
}

type StateEvent =
  | { type: 'ack'; alert_id: string; by: string; at: string; comment: string | null }
  | { type: 'snooze'; alert_id: string; by: string; at: string; until: string }
  | { type: 'resolved'; alert_id: string; at: string }
  | { type: 'silence'; silence: Silence }
  | { type: 'expire_silence'; id: string; by: string; at: string };

interface AlertMarks {
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  snoozedUntil?: string;
}

/**
 * What people did to alerts - acknowledgements, snoozes, silences - kept in the API's own journal
 * (state/alerts.ndjson), so it survives restarts and rebuilds (alert ids are stable across builds).
 * A resolved alert forgets its marks: if the same condition comes back, it is news again.
 */
export interface AlertState {
  marks(alertId: string): AlertMarks;
  acknowledge(alertId: string, by: string, at: Date, comment: string | null): void;
  snooze(alertId: string, by: string, at: Date, until: Date): void;
  resolved(alertId: string, at: Date): void;
  addSilence(matchers: SilenceMatchers, startsAt: Date, endsAt: Date, by: string, comment: string | null): Silence;
  expireSilence(id: string, by: string, at: Date): Silence | undefined;
  silences(): Silence[];
  /** The active silence that covers this alert, if any. */
  silencing(alert: Alert, now: Date): Silence | undefined;
  close(): void;
}

export function openAlertState(path: string): AlertState {
  const journal: Journal<StateEvent> = openJournal(path);
  const marks = new Map<string, AlertMarks>();
  const silences = new Map<string, Silence>();

  const apply = (event: StateEvent): void => {
    switch (event.type) {
      case 'ack':
        marks.set(event.alert_id, { ...marks.get(event.alert_id), acknowledgedBy: event.by, acknowledgedAt: event.at });
        break;
      case 'snooze':
        marks.set(event.alert_id, { ...marks.get(event.alert_id), snoozedUntil: event.until });
        break;
      case 'resolved':
        marks.delete(event.alert_id);
        break;
      case 'silence':
        silences.set(event.silence.id, event.silence);
        break;
      case 'expire_silence': {
        const silence = silences.get(event.id);
        if (silence) silences.set(event.id, { ...silence, expired_at: event.at });
        break;
      }
    }
  };
  for (const event of journal.replay()) apply(event);
  const record = (event: StateEvent): void => {
    journal.append(event);
    apply(event);
  };

  return {
    marks: (alertId) => marks.get(alertId) ?? {},
    acknowledge: (alertId, by, at, comment) => record({ type: 'ack', alert_id: alertId, by, at: at.toISOString(), comment }),
    snooze: (alertId, by, at, until) => record({ type: 'snooze', alert_id: alertId, by, at: at.toISOString(), until: until.toISOString() }),
    resolved(alertId, at) {
      if (marks.has(alertId)) record({ type: 'resolved', alert_id: alertId, at: at.toISOString() });
    },
    addSilence(matchers, startsAt, endsAt, by, comment) {
      const silence: Silence = {
        id: `sil_${randomBytes(6).toString('hex')}`,
        matchers,
        starts_at: startsAt.toISOString(),
        ends_at: endsAt.toISOString(),
        created_by: by,
        comment,
        expired_at: null,
      };
      record({ type: 'silence', silence });
      return silence;
    },
    expireSilence(id, by, at) {
      if (!silences.has(id)) return undefined;
      record({ type: 'expire_silence', id, by, at: at.toISOString() });
      return silences.get(id);
    },
    silences: () => [...silences.values()],
    silencing(alert, now) {
      const time = now.getTime();
      for (const silence of silences.values()) {
        if (silence.expired_at && Date.parse(silence.expired_at) <= time) continue;
        if (Date.parse(silence.starts_at) > time || Date.parse(silence.ends_at) <= time) continue;
        if (matches(silence.matchers, alert)) return silence;
      }
      return undefined;
    },
    close: () => journal.close(),
  };
}

function matches(matchers: SilenceMatchers, alert: Alert): boolean {
  return (
    (matchers.kind === undefined || matchers.kind === alert.kind) &&
    (matchers.severity === undefined || matchers.severity === alert.severity) &&
    (matchers.team === undefined || matchers.team === alert.team) &&
    (matchers.agent === undefined || matchers.agent === alert.ownerAgentId || matchers.agent === alert.assigneeAgentId) &&
    (matchers.category === undefined || matchers.category === alert.triageCategory) &&
    (matchers.inquiry_id === undefined || matchers.inquiry_id === alert.inquiryId)
  );
}
