import { DuckDBInstance } from '@duckdb/node-api';
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nodeModulesCurrent, venvCurrent } from '../../scripts/setup-state.mjs';
import type { DataPaths } from '../../lib/data-paths.ts';
import { openDatabase } from '../../lib/duckdb.ts';
import { isSealedSegment } from '../../ingest/landing/segment-writer.ts';
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
    existsSync(path) ? `${(statSync(path).size / 1e6).toFixed(1)} MB, written ${statSync(path).mtime.toISOString()}` : 'not built yet';
  const segments = sealedSegments(paths);
  const pending = segments.length ? await countUnloaded(paths, segments) : 0;
  return [
    { ok: true, what: 'data directory', detail: paths.root },
    {
      ok: true,
      what: 'landing log',
      detail: segments.length ? `${segments.length} segments, ${pending ?? 'an unknown number'} not yet in raw.duckdb` : 'empty',
      fix: !segments.length ? 'replywatch ingest <kind> <file> (or replywatch demo)' : pending ? 'replywatch build' : undefined,
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

/** Sealed landing segments as "<folder>/<name>", the form raw_landing_segments records. */
function sealedSegments(paths: DataPaths): string[] {
  if (!existsSync(paths.landing)) return [];
  return readdirSync(paths.landing, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => readdirSync(join(paths.landing, entry.name)).filter(isSealedSegment).map((name) => `${entry.name}/${name}`));
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
