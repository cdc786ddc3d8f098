import { parse } from 'csv-parse';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CSV_OPTIONS } from '../../ingest/read-csv.ts';
import { isSimpleCsv, readSimpleCsv, type CsvRow } from '../../ingest/simple-csv.ts';

// Simple CSV files skip csv-parse: for them the fast reader must give exactly csv-parse's rows,
// line numbers and record texts (they land in the quarantine), however the file arrives in chunks.

/** A field as exports write it: bare, or quoted with "" for a quote and any text but a CR inside. */
const field = fc.oneof(
  fc.constantFrom('', 'a', 'Asha Rao', '₹1,50,000', 'नमस्ते', '2026-11-27T10:00:00+05:30', ' x ', '#c', '\u0000'),
  fc.string({ maxLength: 6 }).filter((text) => !/[",\r\n]/.test(text)),
  fc.string({ maxLength: 6, unit: fc.constantFrom('a', ',', '"', '\n', 'é', ' ') }).map((text) => `"${text.replaceAll('"', '""')}"`),
);
const simpleFile = fc
  .tuple(
    fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
    fc.array(fc.nat(), { maxLength: 3 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([rows, emptyLinesAt, bom, finalBreak]) => {
    const lines = rows.map((row) => row.join(','));
    for (const at of emptyLinesAt) lines.splice(at % (lines.length + 1), 0, '');
    return Buffer.from(`${bom ? '\ufeff' : ''}${lines.join('\n')}${finalBreak ? '\n' : ''}`);
  });
/** Now and then a byte that is not simple (a CR, a stray quote) or not UTF-8. */
const anyFile = fc
  .tuple(simpleFile, fc.array(fc.tuple(fc.nat(), fc.constantFrom('\r', '"', '\r\n', '\xff', 'x"y', '\ufeff')), { maxLength: 2 }))
  .map(([bytes, edits]) => {
    let file = bytes;
    for (const [at, text] of edits) {
      const index = at % (file.length + 1);
      file = Buffer.concat([file.subarray(0, index), Buffer.from(text, text === '\xff' ? 'latin1' : 'utf8'), file.subarray(index)]);
    }
    return file;
  });

async function csvParseRows(bytes: Buffer): Promise<{ rows: CsvRow[]; skipped: number }> {
  const parser = Readable.from([bytes]).pipe(parse(CSV_OPTIONS));
  let skipped = 0;
  parser.on('skip', () => (skipped += 1));
  const rows: CsvRow[] = [];
  for await (const { record, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    rows.push({ line: info.lines, fields: record, text: raw.replace(/\r?\n$/, '') });
  }
  return { rows, skipped };
}

async function fastRows(chunks: Buffer[]): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const batch of readSimpleCsv(Readable.from(chunks))) rows.push(...batch);
  return rows;
}

describe('reading a simple CSV file without csv-parse', () => {
  it('gives csv-parse’s rows, lines and texts, whatever the chunks', async () => {
    let simple = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(simpleFile, anyFile), fc.integer({ min: 1, max: 7 }), async (bytes, chunkSize) => {
        if (!(await isSimpleCsv(Readable.from([bytes])))) return;
        simple += 1;
        const expected = await csvParseRows(bytes);
        expect(expected.skipped).toBe(0);
        expect(await fastRows([bytes])).toEqual(expected.rows);
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
        expect(await fastRows(chunks)).toEqual(expected.rows);
      }),
      { numRuns: 3000 },
    );
    // The property is not vacuous: most generated files are simple.
    expect(simple).toBeGreaterThan(1000);
  });

  it('leaves to csv-parse what it does not copy: CR line breaks, stray quotes, a UTF-16 byte-order mark', async () => {
    for (const text of ['a,b\r\n1,2\r\n', 'a,b\n5" screen,2\n', 'a,b\n"x"y,2\n', 'a,b\n"open,2\n', '\xff\xfea,b\n']) {
      expect([text, await isSimpleCsv(Readable.from([Buffer.from(text, 'latin1')]))]).toEqual([text, false]);
    }
  });
});
