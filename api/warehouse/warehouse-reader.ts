import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { ApiError } from '../errors.ts';

/** One opened build of the warehouse: queries run against it even while a newer build replaces the file. */
export interface WarehouseSnapshot {
  /** Changes with every build: inode and modification time of the file. */
  readonly version: string;
  readonly asOf: Date;
  readonly builtAt: Date;
  readonly timezone: string;
}

export interface WarehouseReader {
  /** The newest build, opened read-only; throws 503 not_ready while there is none. */
  snapshot(): Promise<WarehouseSnapshot>;
  /** Runs read-only SQL on a snapshot with bound parameters; rows come back as node-api values. */
  withConnection<T>(snapshot: WarehouseSnapshot, work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): void;
}

interface Opened extends WarehouseSnapshot {
  instance: DuckDBInstance;
  users: number;
  retired: boolean;
  closed: boolean;
}

/** A retired build stays open this long, for callers that took a snapshot just before the swap. */
const RETIRE_GRACE_MS = 30_000;

/**
 * Reads the warehouse the pipeline builds. A build writes a new file and renames it over the old
 * one, so the reader notices a new inode, opens it, and closes the old instance once the queries
 * still running on it finish. Opened read-only: the pipeline is the only writer.
 */
export function createWarehouseReader(path: string, options: { recheckMs?: number } = {}): WarehouseReader {
  const recheckMs = options.recheckMs ?? 1000;
  let current: Opened | undefined;
  let checkedAt = 0;
  let opening: Promise<Opened> | undefined;

  const closeIfIdle = (opened: Opened): void => {
    if (!opened.retired || opened.closed || opened.users > 0) return;
    opened.closed = true;
    opened.instance.closeSync();
  };
  const retire = (opened: Opened, graceMs = RETIRE_GRACE_MS): void => {
    if (graceMs === 0) {
      opened.retired = true;
      closeIfIdle(opened);
      return;
    }
    setTimeout(() => {
      opened.retired = true;
      closeIfIdle(opened);
    }, graceMs).unref();
  };

  const open = async (version: string): Promise<Opened> => {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    } catch (error) {
      throw new ApiError(503, 'not_ready', `the warehouse cannot be opened: ${(error as Error).message.split('\n')[0]}`);
    }
    const connection = await instance.connect();
    try {
      const rows = (await connection.runAndReadAll('select as_of, built_at, business_timezone from meta_build')).getRowObjectsJS();
      const meta = rows[0] as { as_of: Date; built_at: Date; business_timezone: string } | undefined;
      if (!meta) throw new Error('meta_build is empty');
      return { version, asOf: meta.as_of, builtAt: meta.built_at, timezone: meta.business_timezone, instance, users: 0, retired: false, closed: false };
    } catch (error) {
      instance.closeSync();
      throw new ApiError(503, 'not_ready', `the warehouse has no build information (${(error as Error).message.split('\n')[0]}); run replywatch build`);
    } finally {
      connection.closeSync();
    }
  };

  return {
    async snapshot() {
      const now = Date.now();
      if (current && now - checkedAt < recheckMs) return current;
      checkedAt = now;
      let version: string;
      try {
        const stat = statSync(path);
        version = `${stat.ino}:${stat.mtimeMs}`;
      } catch {
        if (current) return current;
        throw new ApiError(503, 'not_ready', 'there is no warehouse yet; run replywatch build (or serve, which builds on a schedule)');
      }
      if (current?.version === version) return current;
      opening ??= open(version).finally(() => {
        opening = undefined;
      });
      const opened = await opening;
      if (current !== opened) {
        if (current) retire(current);
        current = opened;
      }
      return current;
    },
    async withConnection(snapshot, work) {
      const opened = snapshot as Opened;
      opened.users += 1;
      const connection = await opened.instance.connect();
      try {
        return await work(connection);
      } finally {
        connection.closeSync();
        opened.users -= 1;
        closeIfIdle(opened);
      }
    },
    close() {
      if (current) retire(current, 0);
      current = undefined;
    },
  };
}
