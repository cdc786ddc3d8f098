/** A CSV record as csv-parse gives it (with `raw` and `info`): its fields, its text, its line. */
export interface CsvRow {
  /** The line its record delimiter is on. */
  line: number;
  fields: string[];
  /** The record as written, without its line break; empty lines skipped before it included. */
  text: string;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** A longer record is left to csv-parse rather than carried from chunk to chunk. */
const MAX_RECORD_BYTES = 1 << 20;
const NOT_SIMPLE = -1;

/**
 * Whether every record of a CSV file is simple: LF line breaks (no CR anywhere), no UTF-16
 * byte-order mark, and each field either bare (no quote in it) or wholly quoted ("" for a quote)
 * and followed by a comma or the end of its line. For such a file readSimpleCsv gives exactly the
 * rows csv-parse gives, at a fraction of its cost; any other file is read by csv-parse, whose
 * handling of stray quotes and mixed line breaks this does not try to copy.
 */
export async function isSimpleCsv(chunks: AsyncIterable<Buffer>): Promise<boolean> {
  try {
    for await (const rows of simpleRows(chunks, false)) void rows;
    return true;
  } catch (error) {
    if (error instanceof NotSimple) return false;
    throw error;
  }
}

/** The rows of a file isSimpleCsv accepted, in batches. */
export async function* readSimpleCsv(chunks: AsyncIterable<Buffer>): AsyncGenerator<CsvRow[]> {
  try {
    yield* simpleRows(chunks, true);
  } catch (error) {
    // Simple when it was checked a moment ago: it changed while it was being read.
    if (error instanceof NotSimple) throw new Error('the file changed while it was being read');
    throw error;
  }
}

class NotSimple extends Error {}

async function* simpleRows(chunks: AsyncIterable<Buffer>, decode: boolean): AsyncGenerator<CsvRow[]> {
  let carry: Buffer | undefined;
  let first = true;
  const position = { line: 1 };
  for await (const chunk of chunks) {
    let data = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (first) {
      if (data.length < 3) {
        carry = data;
        continue;
      }
      first = false;
      if (data[0] === 0xff && data[1] === 0xfe) throw new NotSimple();
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
    }
    const rows: CsvRow[] = [];
    const consumed = scanRows(data, false, position, decode ? rows : undefined);
    if (consumed === NOT_SIMPLE || data.length - consumed > MAX_RECORD_BYTES) throw new NotSimple();
    carry = data.subarray(consumed);
    if (rows.length) yield rows;
  }
  // A file of under 3 bytes is too short for csv-parse to look for a byte-order mark.
  if (first && carry && carry[0] === 0xff && carry[1] === 0xfe) throw new NotSimple();
  const rows: CsvRow[] = [];
  if (carry && scanRows(carry, true, position, decode ? rows : undefined) === NOT_SIMPLE) throw new NotSimple();
  if (rows.length) yield rows;
}

/**
 * Reads the whole records in `data`, adding them to `rows` when given; returns where the first
 * incomplete one starts (to be carried on to the next chunk), or NOT_SIMPLE. `position.line` is
 * 1 + the line breaks before that point, which is how csv-parse numbers lines.
 */
function scanRows(data: Buffer, end: boolean, position: { line: number }, rows: CsvRow[] | undefined): number {
  const length = data.length;
  let at = 0;
  while (at < length) {
    // Empty lines are skipped, but their line breaks stay in the next record's text, as in csv-parse.
    const start = at;
    let line = position.line;
    while (data[at] === LF) {
      at += 1;
      line += 1;
    }
    if (at === length) {
      if (!end) return start;
      position.line = line;
      return length;
    }
    const fields: string[] = [];
    for (;;) {
      if (data[at] === QUOTE) {
        const open = at + 1;
        let escaped = false;
        let close = -1;
        for (let from = open; close < 0; ) {
          const quote = data.indexOf(QUOTE, from);
          if (quote < 0) return end ? NOT_SIMPLE : start;
          for (let inner = from; inner < quote; inner += 1) {
            const byte = data[inner];
            if (byte === LF) line += 1;
            else if (byte === CR) return NOT_SIMPLE;
          }
          if (quote + 1 === length && !end) return start;
          if (data[quote + 1] === QUOTE) {
            escaped = true;
            from = quote + 2;
          } else {
            close = quote;
          }
        }
        if (rows) {
          const field = data.toString('utf8', open, close);
          fields.push(escaped ? field.replaceAll('""', '"') : field);
        }
        at = close + 1;
        if (at === length && !end) return start;
        if (at < length && data[at] !== COMMA && data[at] !== LF) return NOT_SIMPLE;
      } else {
        let stop = at;
        for (; stop < length; stop += 1) {
          const byte = data[stop];
          if (byte === COMMA || byte === LF) break;
          if (byte === QUOTE || byte === CR) return NOT_SIMPLE;
        }
        if (stop === length && !end) return start;
        if (rows) fields.push(data.toString('utf8', at, stop));
        at = stop;
      }
      if (data[at] !== COMMA) break;
      at += 1;
      // A comma at the very end of a chunk: the next field may still come.
      if (at === length && !end) return start;
    }
    // At a line break, or at the end of the file.
    if (rows) rows.push({ line, fields, text: data.toString('utf8', start, at) });
    if (at < length) {
      at += 1;
      line += 1;
    }
    position.line = line;
  }
  return at;
}
