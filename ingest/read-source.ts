import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { fileError } from '../lib/file-error.ts';
import { UserError } from '../lib/user-error.ts';
import { BATCH, readCsv, readError } from './read-csv.ts';
import { wellFormedJson } from './well-formed-json.ts';

export type SourceFormat = 'csv' | 'ndjson';

/** One record of an input file: its parsed value, or why it could not be parsed. */
export interface SourceRecord {
  line: number;
  text: string;
  /** The UTF-8 of `text` when the file held exactly that (an NDJSON line that needed no repair). */
  bytes?: Buffer;
  value?: unknown;
  error?: string;
}

/** One line of an NDJSON file, not yet decoded. */
export interface SourceLine {
  line: number;
  bytes: Buffer;
}

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
  yield* format === 'csv' ? readCsv(path, () => openInput(path), requiredColumns) : readNdjson(path);
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

/**
 * The lines of an NDJSON file as bytes, numbered from 1, without their line break (LF or CRLF) and
 * the first one without a UTF-8 byte-order mark (Windows tools write one). Split before decoding:
 * most lines are ASCII, and landing can then copy and hash a line it vouches for as it is.
 */
export async function* readNdjsonLines(path: string): AsyncGenerator<SourceLine[]> {
  const input = await openInput(path);
  let line = 0;
  let batch: SourceLine[] = [];
  // The start of a line that runs on past the chunk (past several, for a huge record).
  let carry: Buffer[] = [];
  const take = (bytes: Buffer): void => {
    line += 1;
    let start = 0;
    let end = bytes.length;
    if (bytes[end - 1] === 0x0d) end -= 1;
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    batch.push({ line, bytes: start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end) });
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let start = 0;
      let newline = chunk.indexOf(0x0a);
      if (newline !== -1 && carry.length) {
        take(Buffer.concat([...carry, chunk.subarray(0, newline)]));
        carry = [];
        start = newline + 1;
        newline = chunk.indexOf(0x0a, start);
      }
      while (newline !== -1) {
        take(chunk.subarray(start, newline));
        start = newline + 1;
        newline = chunk.indexOf(0x0a, start);
      }
      if (start < chunk.length) carry.push(chunk.subarray(start));
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    throw readError(path, error);
  }
  if (carry.length) take(Buffer.concat(carry));
  if (batch.length) yield batch;
}

/** One NDJSON line as a record: parsed, or why it is not JSON; undefined for a blank line. */
export function ndjsonRecord({ line, bytes }: SourceLine): SourceRecord | undefined {
  let text: string;
  try {
    // Invalid UTF-8 bytes become U+FFFD here.
    text = bytes.toString('utf8');
  } catch (error) {
    // A line past the longest string V8 can hold.
    throw new UserError(`cannot read the file: ${(error as Error).message}`);
  }
  if (text.charCodeAt(0) !== 0x7b && text.trim() === '') return undefined;
  const decoded = text;
  text = wellFormedJson(text);
  // No U+FFFD: every byte was valid UTF-8, so the bytes are the text's UTF-8, to be copied as they are.
  const exact = text === decoded && text.indexOf('\ufffd') === -1 ? bytes : undefined;
  try {
    return { line, text, bytes: exact, value: JSON.parse(text) };
  } catch (error) {
    return { line, text, error: `not JSON (${(error as Error).message})` };
  }
}

async function* readNdjson(path: string): AsyncGenerator<SourceRecord[]> {
  for await (const lines of readNdjsonLines(path)) {
    const batch: SourceRecord[] = [];
    for (const line of lines) {
      const record = ndjsonRecord(line);
      if (record) batch.push(record);
    }
    if (batch.length) yield batch;
  }
}
