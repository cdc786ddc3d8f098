import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSource, sourceFormat, type SourceRecord } from '../../ingest/read-source.ts';
import { tempDir } from '../helpers/temp-dir.ts';

async function readAll(path: string, required: string[] = []): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const batch of readSource(path, sourceFormat(path), required)) records.push(...batch);
  return records;
}

function file(name: string, content: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe('reading input files', () => {
  it('numbers NDJSON lines and marks the ones that are not JSON', async () => {
    const records = await readAll(file('in.ndjson', '{"a":1}\n\nnot json\r\n{"a":2}'));
    expect(records.map(({ line, value, error }) => ({ line, value, bad: error !== undefined }))).toEqual([
      { line: 1, value: { a: 1 }, bad: false },
      { line: 3, value: undefined, bad: true },
      { line: 4, value: { a: 2 }, bad: false },
    ]);
  });

  it('reads gzipped files whatever their name says', async () => {
    const records = await readAll(file('in.ndjson', gzipSync('{"a":"नमस्ते"}\n')));
    expect(records[0]?.value).toEqual({ a: 'नमस्ते' });
  });

  it('reads quoted CSV fields with commas and line breaks', async () => {
    const records = await readAll(file('in.csv', 'id,note\n1,"a, b"\n2,"two\nlines"\n3,plain\n'), ['id']);
    expect(records.map((record) => record.value)).toEqual([
      { id: '1', note: 'a, b' },
      { id: '2', note: 'two\nlines' },
      { id: '3', note: 'plain' },
    ]);
  });

  it('marks a CSV row with the wrong number of fields, keeping the others', async () => {
    const records = await readAll(file('in.csv', 'id,note\n1,ok\n2,too,many\n3,ok\n'), ['id']);
    expect(records.map(({ line, error }) => ({ line, error }))).toEqual([
      { line: 2, error: undefined },
      { line: 3, error: 'has 3 fields; the header has 2' },
      { line: 4, error: undefined },
    ]);
  });

  it('rejects a CSV header that lacks a required column, naming the file and line', async () => {
    const path = file('people.csv', 'id,nmae\n1,x\n');
    await expect(readAll(path, ['id', 'name'])).rejects.toThrow(`${path}:1: the header lacks column name (it has: id, nmae)`);
  });

  it('says which formats it reads', () => {
    expect(() => sourceFormat('export.xlsx')).toThrow('export.xlsx: cannot tell the format; name the file .csv or .ndjson (optionally .gz)');
    expect(sourceFormat('a.csv.gz')).toBe('csv');
    expect(sourceFormat('a.jsonl')).toBe('ndjson');
  });
});
