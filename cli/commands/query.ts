import type { DuckDBConnection } from '@duckdb/node-api';
import { tableToIPC } from 'apache-arrow';
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve } from 'node:path';
import { arrowTable } from '../../lib/arrow-table.ts';
import type { DataPaths } from '../../lib/data-paths.ts';
import { openDatabase } from '../../lib/duckdb.ts';
import { UserError } from '../../lib/user-error.ts';
import { pathsFrom } from '../data-dir-option.ts';
import { writeCsv, writeJson, writeTable } from '../output/write-rows.ts';
import { writeAll } from '../output/write-all.ts';

const FORMATS = ['table', 'csv', 'json', 'parquet', 'arrow'] as const;
type Format = (typeof FORMATS)[number];

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run read-only SQL on the warehouse')
    .argument('<sql>', 'a SQL query, e.g. "select * from fct_inquiries limit 5"')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--out <file>', 'write to a file instead of stdout (needed for parquet)')
    .action(async (sql: string, options: { format: Format; out?: string }, command: Command) => {
      await runQuery(pathsFrom(command), sql, options.format, options.out);
    });
}

/** Runs SQL on warehouse.duckdb opened read-only, so it can never change or block a build. */
export async function runQuery(paths: DataPaths, sql: string, format: Format, outPath?: string): Promise<void> {
  if (format === 'parquet' && !outPath) throw new UserError('--format parquet needs --out FILE');
  if (format === 'arrow' && !outPath && process.stdout.isTTY) {
    throw new UserError('--format arrow is binary; add --out FILE or pipe stdout to a file');
  }
  const database = await openDatabase(paths.warehouse, { readOnly: true });
  try {
    const { connection } = database;
    const statement = await singleStatement(connection, sql);
    if (format === 'parquet') {
      await connection.run(`copy (${statement}) to $out (format parquet)`, { out: resolve(outPath!) }).catch(sqlError);
      return;
    }
    if (format === 'arrow') {
      const reader = await connection.runAndReadAll(statement).catch(sqlError);
      const table = arrowTable(reader.columnNames(), reader.columnTypes(), reader.getColumns());
      await writeAll(outPath, (out) => out.write(tableToIPC(table, outPath ? 'file' : 'stream')));
      return;
    }
    const result = await connection.stream(statement).catch(sqlError);
    const writer = { table: writeTable, csv: writeCsv, json: writeJson }[format];
    await writeAll(outPath, (out) => writer(result, out));
  } finally {
    database.close();
  }
}

/** The query as one statement: several would print only the last result, silently. */
async function singleStatement(connection: DuckDBConnection, sql: string): Promise<string> {
  const statements = await connection.extractStatements(sql).catch(sqlError);
  if (statements.count !== 1) throw new UserError(`query runs one SQL statement at a time; this has ${statements.count}`);
  return sql.trim().replace(/;+\s*$/, '');
}

function sqlError(error: unknown): never {
  throw new UserError(`query failed: ${(error as Error).message.split('\n')[0]}`);
}
