import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { UserError } from '../lib/user-error.ts';
import type { SourceRecord } from './read-source.ts';
import { isSimpleCsv, readSimpleCsv } from './simple-csv.ts';

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
    if (error instanceof UserError) throw error;
    throw new UserError(`${path}: cannot read the file: ${(error as Error).message}`);
  }
  yield* simple ? readSimple(path, await open(), requiredColumns) : parseCsv(path, await open(), requiredColumns);
}

async function* readSimple(path: string, input: Readable, requiredColumns: readonly string[]): AsyncGenerator<SourceRecord[]> {
  let header: string[] | undefined;
  let batch: SourceRecord[] = [];
  try {
    for await (const rows of readSimpleCsv(input)) {
      for (const { fields, text, line } of rows) {
        if (header) batch.push(csvRecord(header, fields, text, line));
        else header = checkHeader(path, fields.map((name) => name.trim()), requiredColumns);
      }
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${path}: cannot read the file: ${(error as Error).message}`);
  }
  if (!header) throw new UserError(`${path}:1: the file is empty; a CSV file needs a header row`);
  if (batch.length) yield batch;
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
  let header: string[] | undefined;
  let batch: SourceRecord[] = [];
  try {
    for await (const { record, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
      if (!header) {
        header = checkHeader(path, record.map((name) => name.trim()), requiredColumns);
        continue;
      }
      batch.push(csvRecord(header, record, raw.replace(/\r?\n$/, ''), info.lines));
      if (skipped.length) batch.push(...skipped.splice(0));
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${path}: cannot read the file: ${(error as Error).message}`);
  } finally {
    // Stopping early (a bad header) leaves the file open otherwise: destroying the parser does not end its source.
    input.destroy();
  }
  if (!header) throw new UserError(`${path}:1: the file is empty; a CSV file needs a header row`);
  batch.push(...skipped);
  if (batch.length) yield batch;
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
