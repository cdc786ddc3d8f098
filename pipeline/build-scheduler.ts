import type { DataPaths } from '../lib/data-paths.ts';
import { resolveNow } from '../lib/clock.ts';
import type { GroupCommitAppender } from '../ingest/landing/group-commit-appender.ts';
import { buildWarehouse } from './build-warehouse.ts';

export interface BuildScheduler {
  stop(): Promise<void>;
}

/** Even with nothing new, rebuild this often: clocks move (dormancy, due dates) without new messages. */
const REFRESH_MS = 15 * 60_000;
/** Without scheduled builds, seal what landed this often, so a `replywatch build` from cron sees it. */
const SEAL_EVERY_MS = 60_000;

/**
 * Builds the warehouse every `everySeconds` while the server runs, so new webhooks reach the marts
 * within a minute. One build at a time: the next waits for the last to end (and the pipeline lock
 * keeps out builds from other processes). Skips a turn when nothing landed and the last build is
 * fresh. `stop` aborts a running build; its half-built file is discarded, the warehouse stays.
 * With `everySeconds` 0 there are no builds, and the open landing segment is sealed every minute.
 */
export function startBuildScheduler(options: {
  paths: DataPaths;
  everySeconds: number;
  landing: GroupCommitAppender;
  log: (level: 'info' | 'error', message: string) => void;
  sealEveryMs?: number;
}): BuildScheduler {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let builtAt = 0;
  let builtThrough = -1;
  let sealedThrough = 0;

  const turn = async (): Promise<void> => {
    const landed = options.landing.durableCount();
    if (landed === builtThrough && Date.now() - builtAt < REFRESH_MS) return;
    await options.landing.seal();
    try {
      const result = await buildWarehouse(options.paths, resolveNow(), { signal: controller.signal, quiet: true });
      builtAt = Date.now();
      builtThrough = landed;
      options.log('info', `built the warehouse in ${result.seconds.toFixed(1)}s (${result.load.segments} new landing segments)`);
    } catch (error) {
      if (!controller.signal.aborted) options.log('error', `scheduled build failed: ${(error as Error).message}`);
    }
  };

  const sealTurn = async (): Promise<void> => {
    const landed = options.landing.durableCount();
    if (landed === sealedThrough) return;
    try {
      await options.landing.seal();
      sealedThrough = landed;
    } catch (error) {
      options.log('error', `sealing the landing segment failed: ${(error as Error).message}`);
    }
  };

  const schedule = (): void => {
    if (controller.signal.aborted) return;
    const building = options.everySeconds > 0;
    timer = setTimeout(
      () => {
        running = (building ? turn() : sealTurn()).finally(() => {
          running = undefined;
          schedule();
        });
      },
      building ? options.everySeconds * 1000 : (options.sealEveryMs ?? SEAL_EVERY_MS),
    );
  };
  schedule();

  return {
    async stop() {
      controller.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
