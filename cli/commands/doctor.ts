import { DuckDBInstance } from '@duckdb/node-api';
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { nodeModulesCurrent, venvCurrent } from '../../scripts/setup-state.mjs';
import type { DataPaths } from '../../lib/data-paths.ts';
import { openDatabase } from '../../lib/duckdb.ts';
import { sealedSegments } from '../../ingest/landing/sealed-segments.ts';
import { isLeaseAlive } from '../../lib/process-lease.ts';
import { venvTool } from '../../pipeline/project-paths.ts';
import { pathsFrom } from '../data-dir-option.ts';

interface Check {
  ok: boolean;
  what: string;
  detail: string;
  fix?: string;
}

const SETUP = 'node scripts/setup.mjs';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('say what is installed and what is missing, with the command to fix it')
    .action(async (_options: unknown, command: Command) => {
      const checks = [...(await toolChecks()), ...(await dataChecks(pathsFrom(command)))];
      for (const check of checks) {
        process.stdout.write(`${check.ok ? '✓' : '✗'} ${check.what}: ${check.detail}${check.fix ? ` — fix: ${check.fix}` : ''}\n`);
      }
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    });
}

function versionOf(tool: string | undefined, args: string[], pattern: RegExp): string | undefined {
  if (!tool) return undefined;
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  return pattern.exec(`${result.stdout}${result.stderr}`)?.[1];
}

async function toolChecks(): Promise<Check[]> {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const nodeOk = major > 20 || (major === 20 && minor >= 19);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const nodeDuckdb = String((await connection.runAndReadAll('select version()')).getRows()[0]?.[0]).replace(/^v/, '');
  connection.closeSync();
  instance.closeSync();
  const dbt = versionOf(venvTool('dbt'), ['--version'], /installed:\s+(\S+)/);
  const pythonDuckdb = versionOf(venvTool('python'), ['-c', 'import duckdb; print(duckdb.__version__)'], /(\d+\.\d+\.\d+)/);
  const cliDuckdb = versionOf(venvTool('duckdb'), ['--version'], /v(\d+\.\d+\.\d+)/);
  const aligned = pythonDuckdb === nodeDuckdb && cliDuckdb === nodeDuckdb;
  return [
    { ok: nodeOk, what: 'Node.js', detail: process.versions.node, ...(nodeOk ? {} : { fix: 'install Node.js 20.19 or newer' }) },
    {
      ok: nodeModulesCurrent(),
      what: 'Node.js packages',
      detail: nodeModulesCurrent() ? 'node_modules matches package-lock.json' : 'node_modules is missing or stale',
      fix: nodeModulesCurrent() ? undefined : SETUP,
    },
    {
      ok: venvCurrent(),
      what: 'Python virtualenv',
      detail: venvCurrent() ? '.venv matches requirements.txt' : '.venv is missing or stale',
      fix: venvCurrent() ? undefined : SETUP,
    },
    { ok: dbt !== undefined, what: 'dbt', detail: dbt ?? 'not installed', fix: dbt ? undefined : SETUP },
    {
      ok: aligned,
      what: 'DuckDB versions',
      detail: `node-api ${nodeDuckdb}, Python ${pythonDuckdb ?? 'missing'}, CLI ${cliDuckdb ?? 'missing'}`,
      fix: aligned ? undefined : `${SETUP} (requirements.txt pins duckdb and duckdb-cli to ${nodeDuckdb})`,
    },
  ];
}

async function dataChecks(paths: DataPaths): Promise<Check[]> {
  const describeFile = (path: string): string =>
    `${(statSync(path).size / 1e6).toFixed(1)} MB, written ${statSync(path).mtime.toISOString()}`;
  const segments = sealedSegments(paths.landing).map((segment) => segment.relativePath);
  const pending = segments.length ? await countUnloaded(paths, segments) : 0;
  return [
    { ok: true, what: 'data directory', detail: paths.root },
    segments.length
      ? {
          ok: pending === 0,
          what: 'landing log',
          detail: `${segments.length} segments, ${pending ?? 'an unknown number (raw.duckdb is busy)'} not yet in raw.duckdb`,
          fix: pending === 0 ? undefined : 'replywatch build',
        }
      : { ok: false, what: 'landing log', detail: 'empty', fix: 'replywatch ingest <kind> <file> (or replywatch demo)' },
    existsSync(paths.raw)
      ? { ok: true, what: 'raw.duckdb', detail: describeFile(paths.raw) }
      : { ok: false, what: 'raw.duckdb', detail: 'not created yet', fix: 'replywatch ingest <kind> <file>' },
    existsSync(paths.warehouse)
      ? { ok: true, what: 'warehouse.duckdb', detail: describeFile(paths.warehouse) }
      : { ok: false, what: 'warehouse.duckdb', detail: 'not built yet', fix: 'replywatch build' },
    ...lockCheck(paths),
  ];
}

function lockCheck(paths: DataPaths): Check[] {
  if (!existsSync(paths.lock)) return [];
  try {
    const holder = JSON.parse(readFileSync(paths.lock, 'utf8')) as { token: string; pid: number; purpose: string; since: string };
    return isLeaseAlive(paths.leases, holder.token)
      ? [{ ok: true, what: 'pipeline', detail: `${holder.purpose} is running now (pid ${holder.pid}, since ${holder.since})` }]
      : [{ ok: true, what: 'pipeline', detail: `a lock left by pid ${holder.pid}, which is gone; the next run takes it over` }];
  } catch {
    return [{ ok: true, what: 'pipeline', detail: 'a build or ingest is starting' }];
  }
}

/** How many segments raw.duckdb has not loaded; undefined while a writer holds the file. */
async function countUnloaded(paths: DataPaths, segments: string[]): Promise<number | undefined> {
  if (!existsSync(paths.raw)) return segments.length;
  try {
    const database = await openDatabase(paths.raw, { readOnly: true });
    try {
      const loaded = (await database.connection.runAndReadAll('select segment from raw_landing_segments')).getRows();
      const done = new Set(loaded.map(([segment]) => String(segment)));
      return segments.filter((segment) => !done.has(segment)).length;
    } finally {
      database.close();
    }
  } catch {
    return undefined;
  }
}
