import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { UserError } from '../lib/user-error.ts';
import type { SourceRecord } from './read-source.ts';
import { isSimpleCsv, readSimpleCsv, type CsvRow } from './simple-csv.ts';

/** Records per batch a reader yields. */
export const BATCH = 2048;

/**
 * The records of a CSV file. Most files are simple (see isSimpleCsv): those are checked in one
 * quick pass and then read without csv-parse, which costs several times more per row. `open`
 * gives the file's content from the start each time it is called.
 */
export async function* readCsv(path: string, open: () => Promise<Readable>, requiredColumns: readonly string[]): AsyncGenerator<SourceRecord[]> {
  let simple: boolean;
  try {
    simple = await isSimpleCsv(await open());
  } catch (error) {
    throw readError(path, error);
  }
  yield* simple ? readSimple(path, await open(), requiredColumns) : parseCsv(path, await open(), requiredColumns);
}

async function* readSimple(path: string, input: Readable, requiredColumns: readonly string[]): AsyncGenerator<SourceRecord[]> {
  yield* batchRecords(path, requiredColumns, (async function* () {
    for await (const rows of readSimpleCsv(input)) yield* rows;
  })());
}

/**
 * How csv-parse reads a file that is not simple. relax_quotes: a stray quote (`"Asha "the topper"
 * Rao"`, `5" screen`) stays text in its field; without it the parser loses its place and swallows
 * every later row into one error.
 */
export const CSV_OPTIONS = {
  bom: true,
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  raw: true,
  info: true,
  skip_records_with_error: true,
} as const;

async function* parseCsv(path: string, input: Readable, requiredColumns: readonly string[]): AsyncGenerator<SourceRecord[]> {
  const parser = input.pipe(parse(CSV_OPTIONS));
  const skipped: SourceRecord[] = [];
  parser.on('skip', (error: Error & { lines?: number; raw?: string }) => {
    skipped.push({ line: error.lines ?? 0, text: error.raw ?? '', error: `not valid CSV (${error.message})` });
  });
  input.on('error', (error) => parser.destroy(error));
  const rows = (async function* () {
    for await (const { record, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      yield { fields: record, text: raw.replace(/\r?\n$/, ''), line: info.lines };
    }
  })();
  try {
    yield* batchRecords(path, requiredColumns, rows, skipped);
  } finally {
    // Stopping early (a bad header) leaves the file open otherwise: destroying the parser does not end its source.
    input.destroy();
  }
}

/**
 * The rows after the header as records, in batches; `skipped` (rows the parser could not read,
 * filled while it runs) go in after the row that revealed them, the rest at the end.
 */
async function* batchRecords(
  path: string,
  requiredColumns: readonly string[],
  rows: AsyncIterable<CsvRow>,
  skipped: SourceRecord[] = [],
): AsyncGenerator<SourceRecord[]> {
  let header: string[] | undefined;
  let batch: SourceRecord[] = [];
  try {
    for await (const { fields, text, line } of rows) {
      if (!header) {
        header = checkHeader(path, fields.map((name) => name.trim()), requiredColumns);
        continue;
      }
      batch.push(csvRecord(header, fields, text, line));
      if (skipped.length) batch.push(...skipped.splice(0));
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    throw readError(path, error);
  }
  if (!header) throw new UserError(`${path}:1: the file is empty; a CSV file needs a header row`);
  batch.push(...skipped);
  if (batch.length) yield batch;
}

/** A read that failed, as one line naming the file (a UserError already says what it means). */
export function readError(path: string, error: unknown): UserError {
  return error instanceof UserError ? error : new UserError(`${path}: cannot read the file: ${(error as Error).message}`);
}

function checkHeader(path: string, header: string[], requiredColumns: readonly string[]): string[] {
  const missing = requiredColumns.filter((column) => !header.includes(column));
  if (missing.length) {
    throw new UserError(
      `${path}:1: the header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it has: ${oneLine(header.join(', '))})`,
    );
  }
  const duplicate = header.find((column, index) => header.indexOf(column) !== index);
  if (duplicate) throw new UserError(`${path}:1: the header names column ${duplicate} twice`);
  return header;
}

function csvRecord(header: string[], fields: string[], text: string, line: number): SourceRecord {
  if (fields.length !== header.length) {
    return { line, text, error: `has ${fields.length} fields; the header has ${header.length}` };
  }
  const value: Record<string, string> = {};
  header.forEach((column, index) => {
    value[column] = fields[index] as string;
  });
  return { line, text, value };
}

/** A header quoted in a one-line error: control characters (a stray line break or NUL) shown escaped. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => JSON.stringify(char).slice(1, -1));
}
