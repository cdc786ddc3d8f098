import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { REPO, runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** A copy of the project's dbt files, to which a test can add a model that breaks. */
function projectCopy(): string {
  const project = tempDir('replywatch-project-');
  for (const entry of ['dbt_project.yml', 'profiles.yml', 'models', 'macros', 'seeds', 'tests']) {
    cpSync(join(REPO, entry), join(project, entry), { recursive: true });
  }
  return project;
}

describe('a failed build', () => {
  it('keeps the previous warehouse and names the test that failed', async () => {
    const data = tempDir();
    cpSync(inject('builtDataDir'), data, { recursive: true });
    rmSync(join(data, '.dbt'), { recursive: true, force: true });
    const paths = dataPaths(data);
    const before = { bytes: readFileSync(paths.warehouse), mtime: statSync(paths.warehouse).mtimeMs };

    const project = projectCopy();
    mkdirSync(join(project, 'models', 'marts', 'checks'), { recursive: true });
    writeFileSync(join(project, 'models', 'marts', 'checks', 'rpt_broken_check.sql'), 'select inquiry_id, null as owner from {{ ref("fct_inquiries") }}\n');
    writeFileSync(
      join(project, 'models', 'marts', 'checks', '_checks.yml'),
      'version: 2\nmodels:\n  - name: rpt_broken_check\n    columns:\n      - name: owner\n        data_tests: [not_null]\n',
    );

    const result = await runCli(['--data', data, 'build'], { REPLYWATCH_DBT_PROJECT: project });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('test not_null_rpt_broken_check_owner failed');
    expect(result.stderr).toContain('the previous warehouse is unchanged');
    expect(statSync(paths.warehouse).mtimeMs).toBe(before.mtime);
    expect(readFileSync(paths.warehouse).equals(before.bytes)).toBe(true);
    expect(await queryFile(paths.warehouse, "select count(*) as n from duckdb_tables() where table_name = 'rpt_broken_check'")).toEqual([{ n: 0 }]);
    expect(() => statSync(paths.nextWarehouse)).toThrow();
  });

  it('says which setting to raise when DuckDB runs out of memory, and keeps the previous warehouse', async () => {
    const data = tempDir();
    cpSync(inject('builtDataDir'), data, { recursive: true });
    rmSync(join(data, '.dbt'), { recursive: true, force: true });
    const paths = dataPaths(data);
    const before = readFileSync(paths.warehouse);

    const result = await runCli(['--data', data, 'build', '--full-refresh'], { REPLYWATCH_MEMORY_LIMIT: '2MB' });
    expect(result.code).not.toBe(0);
    const error = result.stderr.trim().split('\n').at(-1);
    expect(error).toMatch(/^replywatch: build failed: Out of Memory Error: [^;]*; the previous warehouse is unchanged; raise REPLYWATCH_MEMORY_LIMIT \(now 2MB\) and build again$/);
    expect(readFileSync(paths.warehouse).equals(before)).toBe(true);
  });

  it('builds as many models at once as REPLYWATCH_DBT_THREADS says, and refuses a setting that is not a count in one line', async () => {
    const data = tempDir();
    cpSync(inject('builtDataDir'), data, { recursive: true });
    rmSync(join(data, '.dbt'), { recursive: true, force: true });
    // Out of memory at once: the log has dbt's concurrency line long before that.
    await runCli(['--data', data, 'build', '--full-refresh'], { REPLYWATCH_MEMORY_LIMIT: '2MB', REPLYWATCH_DBT_THREADS: '1' });
    expect(readFileSync(join(dataPaths(data).dbtLogs, 'dbt.log'), 'utf8')).toMatch(/Concurrency: 1 threads/);

    const refused = await runCli(['--data', data, 'build'], { REPLYWATCH_DBT_THREADS: 'two' });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('replywatch: REPLYWATCH_DBT_THREADS "two" is not a whole number of models from 1 to 64');
  });

  it('names a model whose SQL does not run', async () => {
    const data = tempDir();
    const project = projectCopy();
    writeFileSync(join(project, 'models', 'marts', 'rpt_typo.sql'), 'select inquiry_idd from {{ ref("fct_inquiries") }}\n');
    const result = await runCli(['--data', data, 'build'], { REPLYWATCH_DBT_PROJECT: project });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/model rpt_typo errored: .*inquiry_idd/);
    expect(result.stderr).toContain('there is no warehouse yet');
  });
});
