import { isBreach, type Alert } from '../alerts/alert.ts';
import type { AlertSummary, NotificationPayload } from './notification-types.ts';
import { summarizeAlert } from './summarize-alert.ts';

export interface AlertTrackerOptions {
  groupWaitMs: number;
  repeatMs: number;
  /** Whether a supervisor (null: none) has anywhere to be notified. */
  isRouted: (supervisorAgentId: string | null) => boolean;
}

/** What one supervisor should be told now. */
export interface DueGroup {
  supervisorAgentId: string | null;
  firing: AlertSummary[];
  resolved: AlertSummary[];
}

export interface AlertTracker {
  /** Every current alert; those missing have resolved. */
  update(alerts: Alert[], now: number): void;
  /** Groups whose oldest waiting item has waited the group wait. */
  dueGroups(now: number): DueGroup[];
  /** A notification went out (or is replayed from the journal): its alerts were notified at `at`. */
  notified(notification: NotificationPayload, at: number): void;
}

interface Track {
  /**
   * The alert as the latest update() that listed it had it, kept after it resolves for its resolved
   * notice; null after a restart until an update() lists it.
   */
  alert: Alert | null;
  /** When that update() ran: a resolved notice summarizes the alert as of then. */
  seenAt: number;
  /** What its last notification said, replayed from the journal: the resolved notice of an alert not seen since a restart. */
  journaled: AlertSummary | null;
  /** When it became eligible while never notified: the start of its group wait. */
  eligibleSince: number | null;
  lastNotifiedAt: number | null;
  /** Whom the last notification about it went to: its resolved notice goes there too. */
  notifiedTo: string | null;
  /** Set when a notified alert disappears; cleared when its resolved notice goes out. */
  resolvedAt: number | null;
  /** The last update() that listed it: those it missed have resolved. */
  seenIn: number;
}

/** Per alert: when it became eligible, when it was last notified, whether it resolved unannounced. */
export function createAlertTracker(options: AlertTrackerOptions): AlertTracker {
  const tracks = new Map<string, Track>();
  const isEligible = (alert: Alert, isRouted = options.isRouted): boolean => isBreach(alert.kind) && alert.status === 'firing' && isRouted(alert.supervisorAgentId);
  let updates = 0;

  return {
    // Runs after every comparison over every firing alert (17k at 100k inquiries) in one step, so
    // it keeps to lookups: no summaries, and each supervisor's route looked up once.
    update(alerts, now) {
      const update = ++updates;
      const routed = new Map<string | null, boolean>();
      const isRouted = (supervisorAgentId: string | null): boolean => {
        let answer = routed.get(supervisorAgentId);
        if (answer === undefined) routed.set(supervisorAgentId, (answer = options.isRouted(supervisorAgentId)));
        return answer;
      };
      for (const alert of alerts) {
        let track = tracks.get(alert.id);
        if (!track) tracks.set(alert.id, (track = { alert, seenAt: now, journaled: null, eligibleSince: null, lastNotifiedAt: null, notifiedTo: null, resolvedAt: null, seenIn: update }));
        track.seenIn = update;
        track.alert = alert;
        track.seenAt = now;
        // Back before its resolved notice went out: it never stopped, as far as anyone was told.
        track.resolvedAt = null;
        // Times ahead of now mean the clock went back: waits run from now, not from when the clock catches up.
        if (track.eligibleSince !== null && track.eligibleSince > now) track.eligibleSince = now;
        if (track.lastNotifiedAt !== null && track.lastNotifiedAt > now) track.lastNotifiedAt = now;
        // Acknowledged or snoozed before its group went out: it leaves the group, and waits anew if it fires again.
        if (!isEligible(alert, isRouted)) track.eligibleSince = null;
        else if (track.lastNotifiedAt === null) track.eligibleSince ??= now;
      }
      for (const [id, track] of tracks) {
        if (track.seenIn === update || track.resolvedAt !== null) continue;
        if (track.lastNotifiedAt === null) tracks.delete(id);
        else track.resolvedAt = now;
      }
    },

    dueGroups(now) {
      const groups = new Map<string | null, DueGroup & { oldest: number }>();
      const join = (supervisorAgentId: string | null, since: number): DueGroup & { oldest: number } => {
        const group = groups.get(supervisorAgentId) ?? { supervisorAgentId, firing: [], resolved: [], oldest: since };
        group.oldest = Math.min(group.oldest, since);
        groups.set(supervisorAgentId, group);
        return group;
      };
      for (const [id, track] of tracks) {
        if (track.resolvedAt !== null) {
          // Its supervisor's route left the config (a restart with another config): no one to tell.
          if (!options.isRouted(track.notifiedTo)) tracks.delete(id);
          else join(track.notifiedTo, track.resolvedAt).resolved.push(track.alert ? summarizeAlert(track.alert, track.seenAt) : track.journaled!);
          continue;
        }
        if (track.alert === null || !isEligible(track.alert)) continue;
        const since = track.lastNotifiedAt === null ? track.eligibleSince : track.lastNotifiedAt + options.repeatMs;
        // How late it is when the notification goes out, not when the alert was last compared.
        if (since !== null && since <= now) join(track.alert.supervisorAgentId, since).firing.push(summarizeAlert(track.alert, now));
      }
      return [...groups.values()]
        .filter((group) => group.oldest + options.groupWaitMs <= now)
        .map(({ supervisorAgentId, firing, resolved }) => ({ supervisorAgentId, firing, resolved }));
    },

    notified(notification, at) {
      for (const summary of notification.firing) {
        const track = tracks.get(summary.alert_id) ?? { alert: null, seenAt: at, journaled: summary, eligibleSince: null, lastNotifiedAt: null, notifiedTo: null, resolvedAt: null, seenIn: 0 };
        tracks.set(summary.alert_id, track);
        track.lastNotifiedAt = at;
        track.notifiedTo = notification.supervisor_agent_id;
        track.eligibleSince = null;
      }
      for (const summary of notification.resolved) tracks.delete(summary.alert_id);
    },
  };
}
