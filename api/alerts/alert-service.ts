import { join } from 'node:path';
import type { Config } from '../../lib/config.ts';
import type { DataPaths } from '../../lib/data-paths.ts';
import { dbtVar } from '../../pipeline/dbt-vars.ts';
import { createNotifier, type Notifier } from '../notify/notifier.ts';
import type { WarehouseReader } from '../warehouse/warehouse-reader.ts';
import type { AlertChange } from './alert.ts';
import { createAlertEngine, type AlertEngine, type Evaluation } from './alert-engine.ts';
import { openAlertState, type AlertState } from './alert-state.ts';
import { createLiveReplies } from './live-replies.ts';

/** How long an evaluation answers later requests: short enough that a timer shown to the second stays right. */
const REUSE_MS = 250;

export interface AlertService {
  engine: AlertEngine;
  state: AlertState;
  notifier: Notifier;
  /** Evaluates now (the request's clock) and hands the result to the notifier. */
  evaluate(): Promise<Evaluation>;
  /** The clock the API evaluates at: REPLYWATCH_NOW when pinned, else the real one. */
  now(): Date;
  subscribe(listener: (changes: AlertChange[]) => void): () => void;
  close(): Promise<void>;
}

export interface AlertServiceOptions {
  paths: DataPaths;
  config: Config;
  warehouse: WarehouseReader;
  now: () => Date;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Evaluate and notify on a timer (config alerts.evaluateEverySeconds); off in request-driven tests. */
  tick?: boolean;
  retryBaseMs?: number;
}

/**
 * The API's alerting: clocks from the warehouse, replies from the landing log, people's marks from
 * state/alerts.ndjson, notifications journaled in state/notifications.ndjson. A timer evaluates
 * every few seconds so alerts fire and notify with nobody asking; every request evaluates too.
 */
export function createAlertService(options: AlertServiceOptions): AlertService {
  const journaled = openAlertState(join(options.paths.state, 'alerts.ndjson'));
  // Every change people make bumps the version, so the next request never reuses an evaluation from before it.
  let stateVersion = 0;
  const state: AlertState = {
    ...journaled,
    acknowledge: (...args) => (stateVersion++, journaled.acknowledge(...args)),
    snooze: (...args) => (stateVersion++, journaled.snooze(...args)),
    addSilence: (...args) => (stateVersion++, journaled.addSilence(...args)),
    expireSilence: (...args) => (stateVersion++, journaled.expireSilence(...args)),
  };
  const liveReplies = createLiveReplies(options.paths.landing);
  const engine = createAlertEngine({
    warehouse: options.warehouse,
    state,
    liveReplies,
    atRiskShare: options.config.alerts.atRiskShare,
    stateRevision: () => stateVersion,
  });
  const notifier = createNotifier({
    config: options.config.notifications,
    muteWindows: options.config.alerts.muteWindows,
    timezone: dbtVar('business_timezone'),
    journalPath: join(options.paths.state, 'notifications.ndjson'),
    now: options.now,
    log: options.log,
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });

  // Requests arriving together share one evaluation: the clocks are compared at most every
  // REUSE_MS of both the wall clock and the API's clock, unless someone changed an alert meanwhile.
  let recent: { evaluation: Promise<Evaluation>; wall: number; clock: number; version: number } | undefined;
  const evaluate = (): Promise<Evaluation> => {
    const now = options.now();
    // Someone else's comparison of every clock is running (a threshold was crossed): answer from
    // the previous one rather than queue behind it, so no request waits ~100 ms at 100k inquiries.
    const meanwhile = engine.whileComparing(now);
    if (meanwhile) return Promise.resolve(meanwhile);
    if (recent && recent.version === stateVersion && Date.now() - recent.wall < REUSE_MS && Math.abs(now.getTime() - recent.clock) < REUSE_MS) {
      return recent.evaluation;
    }
    const evaluation = engine.evaluate(now).then((result) => {
      // A re-timed evaluation has the same alerts as the comparison it came from: nothing to tell.
      if (result.comparedAt.getTime() === result.at.getTime()) notifier.update(result.alerts);
      return result;
    });
    recent = { evaluation, wall: Date.now(), clock: now.getTime(), version: stateVersion };
    evaluation.catch(() => {
      if (recent?.evaluation === evaluation) recent = undefined;
    });
    return evaluation;
  };

  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  if (options.tick) {
    timer = setInterval(() => {
      ticking = ticking
        .then(async () => {
          await evaluate();
          await notifier.flush();
        })
        .catch((error: unknown) => {
          // No warehouse yet is normal right after setup; anything else is worth a line.
          const message = (error as Error).message;
          if (!/no warehouse yet/.test(message)) options.log('warn', `alert evaluation: ${message}`);
        });
    }, options.config.alerts.evaluateEverySeconds * 1000);
  }

  return {
    engine,
    state,
    notifier,
    evaluate,
    now: options.now,
    subscribe: (listener) => engine.subscribe((changes) => listener(changes)),
    async close() {
      if (timer) clearInterval(timer);
      await ticking;
      await notifier.close();
      state.close();
    },
  };
}
