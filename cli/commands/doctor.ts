import { DuckDBInstance } from '@duckdb/node-api';
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nodeModulesCurrent, venvCurrent } from '../../scripts/setup-state.mjs';
import type { DataPaths } from '../../lib/data-paths.ts';
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
      const checks = [...(await toolChecks()), ...dataChecks(pathsFrom(command))];
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

function dataChecks(paths: DataPaths): Check[] {
  const pending = countPendingSegments(paths);
  const describeFile = (path: string): string =>
    existsSync(path) ? `${(statSync(path).size / 1e6).toFixed(1)} MB, written ${statSync(path).mtime.toISOString()}` : 'not built yet';
  return [
    { ok: true, what: 'data directory', detail: paths.root },
    {
      ok: true,
      what: 'landing log',
      detail: existsSync(paths.landing) ? `${pending.sealed} segments` : 'empty',
      fix: existsSync(paths.landing) ? undefined : 'replywatch ingest <kind> <file> (or replywatch demo)',
    },
    { ok: true, what: 'raw.duckdb', detail: describeFile(paths.raw) },
    {
      ok: true,
      what: 'warehouse.duckdb',
      detail: describeFile(paths.warehouse),
      fix: existsSync(paths.warehouse) ? undefined : 'replywatch build',
    },
    ...(existsSync(paths.lock) ? [{ ok: true, what: 'pipeline', detail: 'a build or ingest is running now' }] : []),
  ];
}

function countPendingSegments(paths: DataPaths): { sealed: number } {
  if (!existsSync(paths.landing)) return { sealed: 0 };
  let sealed = 0;
  for (const folder of readdirSync(paths.landing)) {
    const directory = join(paths.landing, folder);
    if (!statSync(directory).isDirectory()) continue;
    sealed += readdirSync(directory).filter((name) => name.endsWith('.ndjson')).length;
  }
  return { sealed };
}
