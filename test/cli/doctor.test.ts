import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('`replywatch doctor`', () => {
  it('reports the installed tools with one DuckDB release, and what the data directory lacks', async () => {
    const result = await runCli(['--data', tempDir(), 'doctor']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ Node\.js packages: node_modules matches package-lock\.json$/m);
    expect(result.stdout).toMatch(/^✓ Python virtualenv: \.venv matches requirements\.txt$/m);
    expect(result.stdout).toMatch(/^✓ dbt: 1\.11\.\d+$/m);
    const versions = /^✓ DuckDB versions: node-api (\S+), Python (\S+), CLI (\S+)$/m.exec(result.stdout);
    expect(versions?.slice(1)).toEqual([versions?.[1], versions?.[1], versions?.[1]]);
    expect(result.stdout).toMatch(/^✓ warehouse\.duckdb: not built yet — fix: replywatch build$/m);
  });

  it('lists every command in --help', async () => {
    const result = await runCli(['--help']);
    for (const command of ['generate', 'ingest', 'build', 'query', 'demo', 'doctor']) expect(result.stdout).toContain(command);
  });
});
