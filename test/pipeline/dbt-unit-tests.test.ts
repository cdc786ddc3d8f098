import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { REPO } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

interface RunResult {
  unique_id: string;
  status: string;
  message: string | null;
}

/**
 * The dbt unit tests (models/*\/_unit_tests.yml) pin every rule on hand-made rows. Builds leave them
 * out - they check the SQL, not the data - so they run here, against a copy of a built warehouse
 * (dbt reads the input models' column types from it).
 */
describe('dbt unit tests', () => {
  it('all pass', () => {
    const built = dataPaths(inject('builtDataDir'));
    const scratch = tempDir('replywatch-unit-');
    const warehouse = join(scratch, 'warehouse.duckdb');
    copyFileSync(built.warehouse, warehouse);
    const target = join(scratch, 'target');
    const result = spawnSync(
      join(REPO, '.venv', 'bin', 'dbt'),
      ['test', '--select', 'test_type:unit', '--project-dir', REPO, '--profiles-dir', REPO, '--target-path', target, '--log-path', join(scratch, 'logs')],
      {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, REPLYWATCH_WAREHOUSE_PATH: warehouse, REPLYWATCH_RAW_PATH: built.raw, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DBT_USE_COLORS: 'false' },
      },
    );
    const results = (JSON.parse(readFileSync(join(target, 'run_results.json'), 'utf8')) as { results: RunResult[] }).results;
    const failed = results.filter((node) => node.status !== 'pass').map((node) => `${node.unique_id}: ${node.status} ${node.message ?? ''}`);
    expect(failed, result.stdout.slice(-3000)).toEqual([]);
    expect(result.status).toBe(0);
    expect(results.every((node) => node.unique_id.startsWith('unit_test.'))).toBe(true);
    expect(results.length).toBeGreaterThanOrEqual(20);
  });
});
