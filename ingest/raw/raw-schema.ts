import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SQL_DIR = dirname(fileURLToPath(import.meta.url));
/** Bump when schema.sql or a load changes what the raw tables hold: raw.duckdb is then rebuilt from landing. */
const SCHEMA_VERSION = 7;

/** Creates the raw tables; when they come from an older version, drops them so every segment loads again. */
export async function ensureRawSchema(connection: DuckDBConnection): Promise<void> {
  const tables = (await connection.runAndReadAll("select table_name from duckdb_tables() where table_name like 'raw\\_%' escape '\\'")).getRows();
  const names = tables.map(([name]) => String(name));
  const version = names.includes('raw_schema_version')
    ? Number((await connection.runAndReadAll('select max(version) from raw_schema_version')).getRows()[0]?.[0] ?? 0)
    : 0;
  if (version !== SCHEMA_VERSION && names.length) {
    process.stderr.write('raw.duckdb comes from an older version of replywatch; rebuilding it from the landing log\n');
    for (const name of names) await connection.run(`drop table ${name}`);
  }
  await connection.run(readRawSql('schema.sql'));
  await connection.run('delete from raw_schema_version; insert into raw_schema_version values ($version)', { version: SCHEMA_VERSION });
}

/** A SQL script of this folder, read once. */
export function readRawSql(name: string): string {
  let sql = sqlCache.get(name);
  if (sql === undefined) {
    sql = readFileSync(join(SQL_DIR, name), 'utf8');
    sqlCache.set(name, sql);
  }
  return sql;
}

const sqlCache = new Map<string, string>();
