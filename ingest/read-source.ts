import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { fileError } from '../lib/file-error.ts';
import { UserError } from '../lib/user-error.ts';
import { wellFormedJson } from './well-formed-json.ts';

export type SourceFormat = 'csv' | 'ndjson';

/** One record of an input file: its parsed value, or why it could not be parsed. */
export interface SourceRecord {
  line: number;
  text: string;
  value?: unknown;
  error?: string;
}

const BATCH = 2048;

/** The format of an input file from its name: `.csv` or `.ndjson`/`.jsonl`, optionally `.gz`. */
export function sourceFormat(path: string): SourceFormat {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl') || name.endsWith('.json')) return 'ndjson';
  throw new UserError(`${path}: cannot tell the format; name the file .csv or .ndjson (optionally .gz)`);
}

/**
 * Streams the records of a file in batches, in bounded memory, gunzipping when the file is gzip.
 * A CSV header lacking `requiredColumns` is a user error for the whole file; a bad line is a
 * record with an error.
 */
export async function* readSource(path: string, format: SourceFormat, requiredColumns: readonly string[]): AsyncGenerator<SourceRecord[]> {
  const input = await openInput(path);
  yield* format === 'csv' ? readCsv(path, input, requiredColumns) : readNdjson(input);
}

async function openInput(path: string): Promise<Readable> {
  let gzip: boolean;
  try {
    const handle = await open(path, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    await handle.close();
    gzip = bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } catch (error) {
    throw fileError(path, error);
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

async function* readNdjson(input: Readable): AsyncGenerator<SourceRecord[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  let batch: SourceRecord[] = [];
  const take = (text: string): void => {
    line += 1;
    let trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    // A UTF-8 byte-order mark (Windows tools write one) is not part of the first record, as in CSV.
    if (line === 1 && trimmed.startsWith('\ufeff')) trimmed = trimmed.slice(1);
    if (trimmed.trim() === '') return;
    trimmed = wellFormedJson(trimmed);
    try {
      batch.push({ line, text: trimmed, value: JSON.parse(trimmed) });
    } catch (error) {
      batch.push({ line, text: trimmed, error: `not JSON (${(error as Error).message})` });
    }
  };
  try {
    for await (const chunk of input) {
      const lines = (pending + decoder.write(chunk as Buffer)).split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) take(text);
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    throw new UserError(`cannot read the file: ${(error as Error).message}`);
  }
  pending += decoder.end();
  if (pending !== '') take(pending);
  if (batch.length) yield batch;
}

async function* readCsv(path: string, input: Readable, requiredColumns: readonly string[]): AsyncGenerator<SourceRecord[]> {
  // relax_quotes: a stray quote (`"Asha "the topper" Rao"`, `5" screen`) stays text in its field;
  // without it the parser loses its place and swallows every later row into one error.
  const parser = input.pipe(
    parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, raw: true, info: true, skip_records_with_error: true }),
  );
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
