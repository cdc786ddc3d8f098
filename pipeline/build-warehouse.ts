import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import type { DataPaths } from '../lib/data-paths.ts';
import { openDatabase } from '../lib/duckdb.ts';
import { acquirePipelineLock } from '../lib/pipeline-lock.ts';
import { UserError } from '../lib/user-error.ts';
import { isStorageError } from '../lib/storage-error.ts';
import { syncDirectory } from '../ingest/landing/segment-writer.ts';
import { loadPendingSegments, memoryLimit, type LoadSummary } from '../ingest/load-raw.ts';
import { buildFingerprint, startFromPrevious } from './build-fingerprint.ts';
import { dbtThreads, startDbt, type StartedDbt } from './run-dbt.ts';

export interface BuildResult {
  load: LoadSummary;
  asOf: Date;
  seconds: number;
  /** Whether the incremental models started from the previous warehouse (false: built in full). */
  incremental: boolean;
}

/**
 * Loads pending landing segments into raw.duckdb, then runs `dbt build` into a new warehouse file
 * and swaps it over warehouse.duckdb with one atomic rename, only when every model and test passed.
 * The new file starts as a copy of the live one when the project and raw.duckdb are the ones it was
 * built from, so the incremental models only append new rows; otherwise everything builds in full.
 * A failed build deletes its file and leaves the previous warehouse in place; readers that hold
 * the old file open keep reading it.
 */
export async function buildWarehouse(
  paths: DataPaths,
  asOf: Date,
  options: { signal?: AbortSignal; quiet?: boolean; fullRefresh?: boolean } = {},
): Promise<BuildResult> {
  const started = Date.now();
  // Settings are checked before anything runs, not after the load.
  memoryLimit();
  dbtThreads();
  mkdirSync(paths.root, { recursive: true });
  const release = await acquirePipelineLock(paths.lock, paths.leases, 'replywatch build', { signal: options.signal });
  let dbt: StartedDbt | undefined;
  try {
    const load = await loadPendingSegments(paths, { quiet: options.quiet });
    // After the load, whose peak memory it would add to; its imports overlap the copy below.
    dbt = startDbt(paths, options);
    removeDatabase(paths.nextWarehouse);
    const fingerprint = await buildFingerprint(paths);
    const previousAsOf = options.fullRefresh ? undefined : await startFromPrevious(paths, fingerprint);
    const incremental = previousAsOf !== undefined;
    const outcome = await dbt.build(paths.nextWarehouse, asOf, { fingerprint, previousAsOf });
    if (options.signal?.aborted) throw new UserError('build stopped; the previous warehouse is unchanged');
    if (!outcome.ok) {
      const details = outcome.failures.length
        ? outcome.failures.map((failure) => `  ${failure.node} ${failure.status === 'fail' ? 'failed' : 'errored'}: ${failure.message}`)
        : outcome.tail.filter((line) => line.trim() !== '').slice(-15).map((line) => `  ${line}`);
      if (!options.quiet) process.stderr.write(`${details.join('\n')}\n`);
      const kept = keptWarehouse(paths);
      const said = [...outcome.failures.map((failure) => failure.message), ...outcome.tail];
      // A full disk fails dbt somewhere (a model, its log, run_results.json): say so, not "errors above".
      const full = said.find((line) => isStorageError(line));
      if (full) throw new UserError(`build failed: ${full.trim().slice(0, 200)}; ${kept}; free space in ${paths.root} and build again`);
      // Past REPLYWATCH_MEMORY_LIMIT DuckDB spills most work to disk, but not every aggregate can.
      const memory = said.find((line) => /Out of Memory Error/i.test(line));
      if (memory) {
        throw new UserError(
          `build failed: ${memory.trim().replace(/\s*Possible solutions:.*$/, '').slice(0, 200)}; ${kept}; raise REPLYWATCH_MEMORY_LIMIT (now ${memoryLimit()}) and build again`,
        );
      }
      const summary = options.quiet ? details.join('; ').trim() : `${outcome.failures.length || 'dbt'} error(s) above`;
      throw new UserError(`build failed: ${summary}; ${kept}`);
    }
    await checkpoint(paths.nextWarehouse);
    rmSync(`${paths.warehouse}.wal`, { force: true });
    renameSync(paths.nextWarehouse, paths.warehouse);
    syncDirectory(paths.root);
    return { load, asOf, seconds: (Date.now() - started) / 1000, incremental };
  } catch (error) {
    dbt?.stop();
    // Whatever stopped it, the half-built file goes: left behind after a full disk failed dbt's or
    // the checkpoint's writes, it kept the disk full for the webhook receiver until the next build.
    removeDatabase(paths.nextWarehouse);
    // Said already (a UserError names the cause), or not the disk's fault: as it is.
    if (error instanceof UserError || !isStorageError(error)) throw error;
    throw new UserError(`build failed: ${(error as Error).message.split('\n')[0]}; ${keptWarehouse(paths)}; free space in ${paths.root} and build again`);
  } finally {
    release();
  }
}

/** Folds any write-ahead log into the file, so the file alone is the whole warehouse when renamed. */
async function checkpoint(path: string): Promise<void> {
  if (!existsSync(`${path}.wal`)) return;
  const database = await openDatabase(path, { readOnly: false });
  try {
    await database.connection.run('checkpoint');
  } finally {
    database.close();
  }
}

/** What a failed build leaves readers with. */
function keptWarehouse(paths: DataPaths): string {
  return existsSync(paths.warehouse) ? 'the previous warehouse is unchanged' : 'there is no warehouse yet';
}

function removeDatabase(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
}
