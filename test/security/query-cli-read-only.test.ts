import { createHash } from 'node:crypto';
import { cpSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * `replywatch query` takes any SQL an analyst types, so it must never be able to change the
 * warehouse: every kind of write is refused in one line and the file stays byte for byte the same.
 * Runs on a copy, so a regression cannot damage the warehouse other suites share.
 */

/** Each kind of write, and what the refusal says: the warehouse is open read-only. */
const WRITES: Record<string, { sql: (dir: string, warehouse: string) => string; reason: RegExp }> = {
  insert: { sql: () => 'insert into meta_build select * from meta_build', reason: /read-only mode/ },
  update: { sql: () => "update fct_inquiries set triage_category = 'pwned'", reason: /read-only mode/ },
  delete: { sql: () => 'delete from fct_inquiries', reason: /read-only mode/ },
  'drop table': { sql: () => 'drop table fct_inquiries', reason: /read-only mode/ },
  'create table': { sql: () => 'create table sneaky as select 1 as x', reason: /read-only mode/ },
  'alter table': { sql: () => 'alter table dim_agents add column pwned integer', reason: /read-only mode/ },
  comment: { sql: () => "comment on table fct_inquiries is 'pwned'", reason: /read-only mode/ },
  'copy from a file': { sql: (dir) => `copy meta_build from '${join(dir, 'meta_build.csv')}'`, reason: /read-only mode/ },
  // The same file attached a second time, for writing, from inside the query.
  'attach for writing': { sql: (_dir, warehouse) => `attach '${warehouse}' as again (read_only false)`, reason: /already attached/ },
};

let paths: DataPaths;
let before: { sha256: string; mtimeMs: number; inquiries: number };

const fingerprint = async () => ({
  sha256: createHash('sha256').update(readFileSync(paths.warehouse)).digest('hex'),
  mtimeMs: statSync(paths.warehouse).mtimeMs,
  inquiries: Number((await queryFile(paths.warehouse, 'select count(*) as n from fct_inquiries'))[0]!.n),
});

beforeAll(async () => {
  paths = dataPaths(tempDir('replywatch-query-ro-'));
  cpSync(join(inject('builtDataDir'), 'warehouse.duckdb'), paths.warehouse);
  // A well-formed file for COPY FROM to load, written by a read-only connection (files outside are not the warehouse).
  await queryFile(paths.warehouse, `copy (select * from meta_build) to '${join(paths.root, 'meta_build.csv')}'`);
  before = await fingerprint();
  expect(before.inquiries).toBeGreaterThan(0);
});

describe('`replywatch query` on the warehouse', () => {
  for (const [kind, { sql, reason }] of Object.entries(WRITES)) {
    it(`refuses a write (${kind}) in one line, with a non-zero exit`, async () => {
      const result = await runCli(['--data', paths.root, 'query', sql(paths.root, paths.warehouse)]);
      expect(result.code, result.stdout).not.toBe(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^replywatch: query failed: /);
      expect(lines[0]).toMatch(reason);
    });
  }

  it('leaves the warehouse file byte for byte as it was, every row there', async () => {
    expect(await fingerprint()).toEqual(before);
  });

  it('still answers reads after all that', async () => {
    const result = await runCli(['--data', paths.root, 'query', 'select count(*) as n from fct_inquiries', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ n: before.inquiries }]);
  });
});
