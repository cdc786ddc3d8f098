import { DuckDBInstance } from '@duckdb/node-api';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * `replywatch dashboard build` when it cannot build: the one line a user reads, and the site it
 * leaves in place. (The successful build is site.test.ts's, which opens every page.)
 */

/** A site directory as an earlier build left it. */
function previousSite(): string {
  const out = join(tempDir('replywatch-site-'), 'site');
  mkdirSync(join(out, '_observablehq'), { recursive: true });
  writeFileSync(join(out, 'index.html'), 'the previous build');
  return out;
}

describe('`replywatch dashboard build`', () => {
  it('refuses in one line when there is no warehouse yet', async () => {
    const data = tempDir();
    const result = await runCli(['--data', data, 'dashboard', 'build', '--out', join(tempDir(), 'site')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`replywatch: no warehouse at ${dataPaths(data).warehouse}; run replywatch build first\n`);
  });

  it('fails naming the loader, the dataset and the column when a mart lost a column, and keeps the previous site', async () => {
    const data = tempDir();
    const warehouse = dataPaths(data).warehouse;
    copyFileSync(dataPaths(inject('builtDataDir')).warehouse, warehouse);
    const instance = await DuckDBInstance.create(warehouse);
    const connection = await instance.connect();
    await connection.run('alter table agg_response_health_weekly drop column met_rate');
    connection.closeSync();
    instance.closeSync();
    const out = previousSite();

    const result = await runCli(['--data', data, 'dashboard', 'build', '--out', out]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(
      `replywatch: dashboard build failed at data/weekly-health.arrows: dashboard data "weekly-health": no column met_rate in ${warehouse} (is it from this version? run replywatch build)`,
    );
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('the previous build');
    expect(readdirSync(dirname(out))).toEqual(['site']);
  });

  it('refuses to replace a directory that is not a dashboard build', async () => {
    const out = tempDir('replywatch-not-a-site-');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const result = await runCli(['--data', inject('builtDataDir'), 'dashboard', 'build', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`replywatch: --out ${out} is not empty and is not a dashboard build; choose a new or empty directory\n`);
    expect(existsSync(join(out, 'notes.txt'))).toBe(true);
  });
});
