import { join, resolve } from 'node:path';

/** Where everything lives inside a data directory (`--data`, `REPLYWATCH_DATA`, default `./data`). */
export interface DataPaths {
  root: string;
  sources: string;
  landing: string;
  manifest: string;
  raw: string;
  warehouse: string;
  nextWarehouse: string;
  dbtTarget: string;
  dbtLogs: string;
  lock: string;
  /** CRM pull cursors and per-source pull locks. */
  state: string;
  /** Liveness leases of the processes using this directory (see process-lease.ts). */
  leases: string;
}

export function dataPaths(dataDir: string): DataPaths {
  const root = resolve(dataDir);
  return {
    root,
    sources: join(root, 'sources'),
    landing: join(root, 'landing'),
    manifest: join(root, 'landing', 'manifest.ndjson'),
    raw: join(root, 'raw.duckdb'),
    warehouse: join(root, 'warehouse.duckdb'),
    nextWarehouse: join(root, 'warehouse.next.duckdb'),
    dbtTarget: join(root, '.dbt', 'target'),
    dbtLogs: join(root, '.dbt', 'logs'),
    lock: join(root, '.pipeline.lock'),
    state: join(root, 'state'),
    leases: join(root, '.leases'),
  };
}

export function defaultDataDir(): string {
  return process.env.REPLYWATCH_DATA || 'data';
}
