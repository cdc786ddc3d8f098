import { tableFromIPC } from 'apache-arrow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const SQL = `select 'a"b' as label, 42::bigint as count, 1.5::decimal(10,2) as share, null::varchar as nothing,
  timestamptz '2026-11-27 12:00:00+05:30' as at, date '2026-11-27' as day, ['x','y'] as tags, 9007199254740993::bigint as huge`;

describe('`replywatch query`', () => {
  const data = inject('builtDataDir');
  const query = (...args: string[]) => runCli(['--data', data, 'query', ...args]);

  it('prints one JSON array of row objects, numbers as numbers where JSON holds them exactly', async () => {
    const result = await query(SQL, '--format', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { label: 'a"b', count: 42, share: 1.5, nothing: null, at: '2026-11-27T06:30:00.000Z', day: '2026-11-27', tags: ['x', 'y'], huge: '9007199254740993' },
    ]);
  });

  it('writes times, nested dates and wide decimals as what they are', async () => {
    const result = await query(
      `select time '10:00:00' as opens, [date '2026-01-02'] as days, {'at': timestamp '2026-01-01 10:00'} as local,
        12345678901234567890.12::decimal(38,2) as wide, interval 90 minutes as wait`,
      '--format',
      'json',
    );
    expect(JSON.parse(result.stdout)).toEqual([
      { opens: '10:00:00', days: ['2026-01-02'], local: { at: '2026-01-01T10:00:00' }, wide: '12345678901234567890.12', wait: 'PT1H30M' },
    ]);
  });

  it('refuses several statements at once and a file it cannot write, in one line each', async () => {
    const several = await query('select 1; select 2');
    expect(several.code).not.toBe(0);
    expect(several.stderr.trim()).toBe('replywatch: query runs one SQL statement at a time; this has 2');
    const unwritable = await query('select 1', '--format', 'csv', '--out', '/nonexistent-dir/x.csv');
    expect(unwritable.code).not.toBe(0);
    expect(unwritable.stderr.trim()).toBe('replywatch: cannot write /nonexistent-dir/x.csv: ENOENT');
  });

  it('prints an empty JSON array for no rows', async () => {
    const result = await query('select * from fct_inquiries where false', '--format', 'json');
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('prints CSV with a header row and quoted fields', async () => {
    const result = await query(SQL, '--format', 'csv');
    expect(result.stdout.split('\r\n')).toEqual([
      'label,count,share,nothing,at,day,tags,huge',
      '"a""b",42,1.5,,2026-11-27T06:30:00.000Z,2026-11-27,"[""x"",""y""]",9007199254740993',
      '',
    ]);
  });

  it('prints an aligned table by default', async () => {
    const result = await query('select triage_category, count(*) as n from fct_inquiries group by 1 order by 1');
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^triage_category\s+n$/);
    expect(lines).toContain('(4 rows)');
    expect(lines.some((line) => line.startsWith('fresh_high_intent'))).toBe(true);
  });

  it('writes Parquet and Arrow files that other tools read back', async () => {
    const dir = tempDir();
    const parquet = join(dir, 'inquiries.parquet');
    expect((await query('select inquiry_id, opened_at from fct_inquiries order by inquiry_id', '--format', 'parquet', '--out', parquet)).code).toBe(0);
    const [compared] = await queryFile(
      join(data, 'warehouse.duckdb'),
      `select (select count(*) from read_parquet('${parquet}')) as in_file, (select count(*) from fct_inquiries) as in_warehouse`,
    );
    expect(compared?.in_file).toBe(compared?.in_warehouse);

    const arrow = join(dir, 'out.arrow');
    expect((await query(SQL, '--format', 'arrow', '--out', arrow)).code).toBe(0);
    const table = tableFromIPC(readFileSync(arrow));
    const row = table.get(0)!.toJSON();
    expect(row.label).toBe('a"b');
    expect(row.count).toBe(42n);
    expect(row.at).toBe(Date.parse('2026-11-27T06:30:00Z'));
    expect([...row.tags]).toEqual(['x', 'y']);
  });

  it('writes an Arrow file with the columns and no rows when nothing matches', async () => {
    const file = join(tempDir(), 'none.arrow');
    const result = await query('select inquiry_id, opened_at from fct_inquiries where false', '--format', 'arrow', '--out', file);
    expect(result.code, result.stderr).toBe(0);
    const table = tableFromIPC(readFileSync(file));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((field) => field.name)).toEqual(['inquiry_id', 'opened_at']);
  });

  it('opens the warehouse read-only', async () => {
    const result = await query('create table sneaky as select 1');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^replywatch: query failed: .*read-only/m);
  });

  it('says what is wrong with bad SQL in one line', async () => {
    const result = await query('select nope from fct_inquiries');
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('nope');
  });

  it('tells the user to build first when there is no warehouse', async () => {
    const empty = tempDir();
    const result = await runCli(['--data', empty, 'query', 'select 1']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(`replywatch: ${join(empty, 'warehouse.duckdb')} does not exist yet; run \`replywatch build\` (or \`replywatch demo\`) first`);
  });
});
