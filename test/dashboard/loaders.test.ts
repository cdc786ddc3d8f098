import { DuckDBInstance } from '@duckdb/node-api';
import { Type, tableFromIPC } from 'apache-arrow';
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DATASETS, type DatasetName } from '../../dashboard-data/datasets.ts';
import { loadDataset } from '../../dashboard-data/load-dataset.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { REPO } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * The data behind the dashboards: every dataset read from the shared demo warehouse, what a user
 * sees when the warehouse is missing or from another version, and a loader run as Framework runs
 * it (a process writing Arrow to stdout).
 */

/** What identifies a row of each dataset; `[]`: the dataset is a single row. */
const KEYS: Record<DatasetName, string[]> = {
  'build': [],
  'weekly-health': ['week_start', 'triage_category', 'agent_id'],
  'response-steps': ['week_start', 'triage_category', 'step_seconds'],
  'hour-of-week': ['weekday', 'hour'],
  'failure-examples': ['inquiry_id'],
  'priority-inversions': ['inversion_id'],
  'team-weekly': ['week_start', 'agent_id'],
  'first-responses': ['inquiry_id'],
  'next-actions': ['priority_rank'],
  'agents': ['agent_id'],
  'data-health': ['kind'],
  'data-quality': [],
};

const builtWarehouse = (): string => dataPaths(inject('builtDataDir')).warehouse;

/** A writable copy of the shared warehouse with one mart changed by `sql`. */
async function alteredWarehouse(sql: string): Promise<string> {
  const path = join(tempDir('replywatch-malformed-'), 'warehouse.duckdb');
  copyFileSync(builtWarehouse(), path);
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
  return path;
}

/** A data loader as Framework runs it: tsx from node_modules/.bin, in the repository, stdout captured. */
function runLoader(loader: string, dataDir: string): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO, 'node_modules', '.bin', 'tsx'), [join('dashboards', 'data', loader)], {
      cwd: REPO,
      env: { ...process.env, REPLYWATCH_DATA: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(stdout), stderr }));
  });
}

describe('loadDataset on the demo warehouse', () => {
  for (const name of Object.keys(DATASETS) as DatasetName[]) {
    it(`"${name}" has rows, each identified by ${KEYS[name].join(' + ') || 'being the only one'}, with times as times`, async () => {
      const table = await loadDataset(builtWarehouse(), name);
      expect(table.numRows).toBeGreaterThan(0);
      const keys = KEYS[name];
      if (keys.length === 0) expect(table.numRows).toBe(1);
      const columns = table.schema.fields.map((field) => field.name);
      expect(columns).toEqual(expect.arrayContaining(keys));
      const rows = table.toArray() as Array<Record<string, unknown>>;
      expect(rows.filter((row) => keys.some((key) => row[key] === null)), 'rows with a null key').toEqual([]);
      expect(new Set(rows.map((row) => keys.map((key) => String(row[key])).join('|'))).size, 'distinct keys').toBe(rows.length);
      for (const field of table.schema.fields.filter((each) => /_at$|^week_start$/.test(each.name))) {
        expect([Type.Timestamp, Type.Date], field.name).toContain(field.type.typeId);
      }
    });
  }

  it('"hour-of-week" has every hour of every weekday, once', async () => {
    expect((await loadDataset(builtWarehouse(), 'hour-of-week')).numRows).toBe(7 * 24);
  });
});

describe('loadDataset on a warehouse it cannot use', () => {
  it('says in one line that the warehouse is missing, naming the file and what to run', async () => {
    const missing = join(tempDir(), 'warehouse.duckdb');
    const error = await loadDataset(missing, 'weekly-health').catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(missing);
    expect((error as Error).message).toMatch(/run `replywatch build`/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('fails the weekly-health dataset, naming it and the column, when its mart lost a column the pages read', async () => {
    const warehouse = await alteredWarehouse('alter table agg_response_health_weekly drop column met_rate');
    const error = await loadDataset(warehouse, 'weekly-health').catch((caught: Error) => caught);
    expect((error as Error).message).toBe(
      `dashboard data "weekly-health": no column met_rate in ${warehouse} (is it from this version? run replywatch build)`,
    );
    // The other marts are untouched and still load.
    expect((await loadDataset(warehouse, 'response-steps')).numRows).toBeGreaterThan(0);
  });

  it('fails, naming the dataset, when the mart is not what the query expects', async () => {
    const warehouse = await alteredWarehouse('create or replace table agg_response_health_weekly as select 1 as inquiry_count');
    const error = await loadDataset(warehouse, 'weekly-health').catch((caught: Error) => caught);
    expect((error as Error).message).toMatch(/^dashboard data "weekly-health": .*week_start.* run replywatch build\)$/);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('a data loader run as a process', () => {
  it('writes the dataset to stdout as an Arrow IPC stream and exits 0', async () => {
    const result = await runLoader('weekly-health.arrows.ts', inject('builtDataDir'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const table = tableFromIPC(result.stdout);
    expect(table.numRows).toBe((await loadDataset(builtWarehouse(), 'weekly-health')).numRows);
    expect(table.schema.fields.map((field) => field.name)).toEqual(expect.arrayContaining(['week_start', 'triage_category', 'met_rate']));
  });

  it('exits non-zero with one line on stderr, and nothing on stdout, when the warehouse is missing', async () => {
    const empty = tempDir();
    const result = await runLoader('weekly-health.arrows.ts', empty);
    expect(result.code).not.toBe(0);
    expect(result.stdout.length).toBe(0);
    expect(result.stderr).toMatch(/^replywatch dashboard: .+\n$/);
    expect(result.stderr).toContain(dataPaths(empty).warehouse);
  });
});
