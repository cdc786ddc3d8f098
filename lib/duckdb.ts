import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { UserError } from './user-error.ts';

/** One DuckDB file opened by this process, closed exactly once. */
export interface OpenDatabase {
  connection: DuckDBConnection;
  close(): void;
}

/**
 * Opens a DuckDB file. Only the pipeline opens files for writing; everything else passes
 * `readOnly`, so analysts, the API and loaders never block or corrupt a build. A lock held by
 * another process becomes a one-line error that names it.
 */
export async function openDatabase(path: string, { readOnly }: { readOnly: boolean }): Promise<OpenDatabase> {
  if (readOnly && !existsSync(path)) {
    throw new UserError(`${path} does not exist yet; run \`replywatch build\` (or \`replywatch demo\`) first`);
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (error) {
    throw explainOpenError(path, error);
  }
  const connection = await instance.connect();
  let closed = false;
  return {
    connection,
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function explainOpenError(path: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const holder = /PID (\d+)/.exec(message);
  if (/lock/i.test(message)) {
    return new UserError(
      `${path} is in use by another process${holder ? ` (pid ${holder[1]})` : ''}; wait for it to finish and try again`,
    );
  }
  return new UserError(`cannot open ${path}: ${message.split('\n')[0]}`);
}

/** Quotes an identifier (table, column) for SQL. Values are never interpolated: they are bound. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
