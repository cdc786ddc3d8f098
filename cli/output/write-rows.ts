import type { DuckDBResult, DuckDBType } from '@duckdb/node-api';
import type { Writable } from 'node:stream';
import { toJsonValue, toText } from '../../lib/result-values.ts';

const TABLE_ROWS = 1000;

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
}

/** One JSON array of row objects, streamed chunk by chunk. */
export async function writeJson(result: DuckDBResult, out: Writable): Promise<number> {
  const names = result.columnNames();
  let count = 0;
  await write(out, '[');
  for await (const rows of result.yieldRows()) {
    const lines = rows.map((row) => {
      const object = Object.fromEntries(names.map((name, index) => [name, toJsonValue(row[index]!)]));
      return `${count++ === 0 ? '\n' : ',\n'}${JSON.stringify(object)}`;
    });
    await write(out, lines.join(''));
  }
  await write(out, count ? '\n]\n' : ']\n');
  return count;
}

/** RFC 4180 CSV: a header row, then rows; null is an empty field. */
export async function writeCsv(result: DuckDBResult, out: Writable): Promise<number> {
  let count = 0;
  await write(out, `${result.columnNames().map(csvField).join(',')}\r\n`);
  for await (const rows of result.yieldRows()) {
    count += rows.length;
    await write(out, rows.map((row) => `${row.map((value) => csvField(toText(value))).join(',')}\r\n`).join(''));
  }
  return count;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** An aligned text table of the first rows, for reading in a terminal. */
export async function writeTable(result: DuckDBResult, out: Writable): Promise<number> {
  const names = result.columnNames();
  const types = result.columnTypes();
  const shown: string[][] = [];
  let count = 0;
  for await (const rows of result.yieldRows()) {
    for (const row of rows) {
      count += 1;
      if (shown.length < TABLE_ROWS) shown.push(row.map((value) => oneLine(toText(value))));
    }
  }
  const numeric = types.map(isNumeric);
  const widths = names.map((name, index) => Math.max(name.length, ...shown.map((row) => row[index]!.length)));
  const render = (cells: string[]): string =>
    cells.map((cell, index) => (numeric[index] ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!))).join('  ').trimEnd();
  const lines = [render(names), widths.map((width) => '-'.repeat(width)).join('  '), ...shown.map(render)];
  const more = count > shown.length ? `, first ${shown.length} shown; use --format csv for all` : '';
  await write(out, `${lines.join('\n')}\n(${count} row${count === 1 ? '' : 's'}${more})\n`);
  return count;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}

function isNumeric(type: DuckDBType): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/.test(type.toString());
}
