import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { REPO, runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function dbtLog(root: string): string {
  return readFileSync(join(dataPaths(root).dbtLogs, 'dbt.log'), 'utf8');
}

describe("dbt's parse of the project", () => {
  it('is shared by new data directories of the same project, not a copy of it, and a changed model is parsed again', async () => {
    const project = tempDir('replywatch-project-');
    for (const entry of ['models', 'macros', 'seeds', 'tests', 'dbt_project.yml', 'profiles.yml']) cpSync(join(REPO, entry), join(project, entry), { recursive: true });
    const build = async (root: string, projectDir = project) => {
      const result = await runCli(['--data', root, 'build'], { REPLYWATCH_DBT_PROJECT: projectDir });
      expect(result.code, result.stderr).toBe(0);
    };

    const first = tempDir();
    await build(first);
    expect(dbtLog(first)).toMatch(/Starting full parse/);
    expect(readdirSync(join(project, 'target')).filter((name) => name.endsWith('.msgpack'))).toHaveLength(1);

    // A model changed since the saved parse: the next new data directory starts from the saved
    // parse (no full parse), and the change is in its warehouse.
    const model = join(project, 'models', 'marts', 'meta_build.sql');
    writeFileSync(model, readFileSync(model, 'utf8').replace(/^select\b/m, "select 'changed after the parse' as parse_probe,"));
    const second = tempDir();
    await build(second);
    expect(dbtLog(second)).not.toMatch(/Starting full parse|Unable to do partial parsing/);
    const [row] = await queryFile(dataPaths(second).warehouse, 'select parse_probe from meta_build');
    expect(row!.parse_probe).toBe('changed after the parse');

    // A copy of the project, its target with it, does not start from the original's parse: a
    // parse records absolute paths, and dbt would read the copy's seeds from the original.
    const copied = tempDir('replywatch-project-copy-');
    cpSync(project, copied, { recursive: true });
    const third = tempDir();
    await build(third, copied);
    expect(dbtLog(third)).toMatch(/Starting full parse/);
  });

  it('is not redone when only the build\'s settings change: its "now" and its start are read when the SQL runs', async () => {
    const root = tempDir();
    const build = async (asOf: string) => {
      const result = await runCli(['--data', root, 'build', '--as-of', asOf]);
      expect(result.code, result.stderr).toBe(0);
      // This build's part of the log: dbt appends to it.
      return dbtLog(root).split(/Running with dbt=/).at(-1) ?? '';
    };
    await build('2026-01-05T10:00:00Z');
    const later = await build('2026-01-06T10:00:00Z');
    expect(later).toMatch(/no changes found, skipping parsing/);
    expect(later).not.toMatch(/Partial parsing: updated file/);
    const [row] = await queryFile(dataPaths(root).warehouse, "select as_of = '2026-01-06T10:00:00Z'::timestamptz as is_later_now from meta_build");
    expect(row!.is_later_now).toBe(true);
  });
});
