import { DuckDBInstance } from '@duckdb/node-api';

/** Rows of a query on a DuckDB file opened read-only, as plain JS objects (bigints as numbers). */
export async function queryFile(path: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS();
    return rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value])),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
