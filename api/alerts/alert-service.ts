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
  const state = openAlertState(join(options.paths.state, 'alerts.ndjson'));
  const liveReplies = createLiveReplies(options.paths.landing);
  const engine = createAlertEngine({ warehouse: options.warehouse, state, liveReplies, atRiskShare: options.config.alerts.atRiskShare });
  const notifier = createNotifier({
    config: options.config.notifications,
    muteWindows: options.config.alerts.muteWindows,
    timezone: dbtVar('business_timezone'),
    journalPath: join(options.paths.state, 'notifications.ndjson'),
    now: options.now,
    log: options.log,
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });

  const evaluate = async (): Promise<Evaluation> => {
    const evaluation = await engine.evaluate(options.now());
    notifier.update(evaluation.alerts);
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
