import type { DuckDBResultReader } from '@duckdb/node-api';
import { toJsonValue } from '../../lib/result-values.ts';

/** Result rows as JSON-safe objects, in the same forms as `replywatch query --format json`. */
export function jsonRows(result: DuckDBResultReader): Array<Record<string, unknown>> {
  const names = result.columnNames();
  return result.getRows().map((row) => Object.fromEntries(names.map((name, index) => [name, toJsonValue(row[index]!)])));
}
