import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { REPO } from '../helpers/run-cli.ts';

describe('one DuckDB release for every tool', () => {
  const warehouse = dataPaths(inject('builtDataDir')).warehouse;

  it('opens the warehouse dbt wrote with @duckdb/node-api', async () => {
    const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll('select count(*) > 0 as has_rows from fct_inquiries')).getRowObjectsJS();
    connection.closeSync();
    instance.closeSync();
    expect(rows).toEqual([{ has_rows: true }]);
  });

  it('opens the same file with the duckdb CLI from .venv', () => {
    const result = spawnSync(join(REPO, '.venv', 'bin', 'duckdb'), ['-readonly', '-csv', warehouse, '-c', 'select count(*) > 0 as has_rows from fct_inquiries'], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(['has_rows', 'true']);
  });

  it('pins Python duckdb and duckdb-cli to the release inside @duckdb/node-api', () => {
    const nodeApi = JSON.parse(readFileSync(join(REPO, 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8')).version as string;
    const release = nodeApi.split('-')[0];
    const requirements = readFileSync(join(REPO, 'requirements.txt'), 'utf8');
    expect(requirements).toContain(`\nduckdb==${release}\n`);
    expect(requirements).toContain(`\nduckdb-cli==${release}\n`);
  });
});
