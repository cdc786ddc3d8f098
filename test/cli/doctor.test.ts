import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { REPO, runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('`replywatch doctor`', () => {
  it('reports the installed tools with one DuckDB release, and a warehouse that is there', async () => {
    const result = await runCli(['--data', inject('builtDataDir'), 'doctor']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ Node\.js packages: node_modules matches package-lock\.json$/m);
    expect(result.stdout).toMatch(/^✓ Python virtualenv: \.venv matches requirements\.txt$/m);
    expect(result.stdout).toMatch(/^✓ dbt: 1\.11\.\d+$/m);
    const versions = /^✓ DuckDB versions: node-api (\S+), Python (\S+), CLI (\S+)$/m.exec(result.stdout);
    expect(versions?.slice(1)).toEqual([versions?.[1], versions?.[1], versions?.[1]]);
    expect(result.stdout).toMatch(/^✓ landing log: \d+ segments, 0 not yet in raw\.duckdb$/m);
    expect(result.stdout).toMatch(/^✓ warehouse\.duckdb: [\d.]+ MB, written /m);
  });

  it('says what is missing with the command that fixes it, and exits non-zero', async () => {
    const data = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    writeFileSync(join(data, '.pipeline.lock'), JSON.stringify({ token: 'nolease00000', pid: dead, purpose: 'replywatch build', since: '2026-11-27T00:00:00Z' }));
    const result = await runCli(['--data', data, 'doctor']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✗ landing log: empty — fix: replywatch ingest <kind> <file> \(or replywatch demo\)$/m);
    expect(result.stdout).toMatch(/^✗ warehouse\.duckdb: not built yet — fix: replywatch build$/m);
    expect(result.stdout).toContain(`✓ pipeline: a lock left by pid ${dead}, which is gone; the next run takes it over`);
  });

  it('lists every command in --help, and suggests one for a typo', async () => {
    // main.ts loads a command's module only when the command line names it, so both need them all loaded.
    const result = await runCli(['--help']);
    const listed = [...result.stdout.matchAll(/^ {2}(\w+)\b/gm)].map((match) => match[1]);
    expect(listed).toEqual(['generate', 'ingest', 'build', 'dashboard', 'query', 'export', 'serve', 'keys', 'demo', 'doctor', 'help']);
    const typo = await runCli(['buidl']);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain('(Did you mean build?)');
  });

  it('runs the command the line names, not the value of --data', async () => {
    // A data directory named like a command (help touches no data directory).
    const result = await runCli(['--data', 'build', 'keys', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: replywatch keys /m);
  });
});

describe('the replywatch command before setup', () => {
  it('says to run setup instead of failing with a stack trace', () => {
    const copy = tempDir();
    mkdirSync(join(copy, 'bin'));
    cpSync(join(REPO, 'bin', 'replywatch.js'), join(copy, 'bin', 'replywatch.js'));
    const result = spawnSync(process.execPath, [join(copy, 'bin', 'replywatch.js'), 'doctor'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('replywatch: its dependencies are not installed; run `node scripts/setup.mjs` (or `npm start`) first');
  });
});
