import { cpSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** fct_inquiries columns a closed inquiry may still change with time alone: a promised next action falls overdue. */
const TIME_DRIVEN_AFTER_CLOSE = ['has_accountability_failure', 'accountability_failure_reason'];

describe('a later --as-of with no new data', () => {
  it('changes only what time changes', async () => {
    const earlier = dataPaths(inject('builtDataDir'));
    const later = dataPaths(tempDir());
    cpSync(earlier.root, later.root, { recursive: true, filter: (source) => !/\.leases|\.pipeline\.lock/.test(source) });
    const tenDaysOn = new Date(Date.parse(process.env.REPLYWATCH_NOW!) + 10 * 86_400_000).toISOString();
    const build = await runCli(['--data', later.root, 'build', '--as-of', tenDaysOn]);
    expect(build.code, build.stderr).toBe(0);

    const compare = (sql: string) => queryFile(later.warehouse, `attach '${earlier.warehouse}' as earlier (read_only); ${sql}`);
    const columns = (await queryFile(later.warehouse, "select column_name from duckdb_columns() where table_name = 'fct_inquiries'"))
      .map((row) => String(row.column_name))
      .filter((column) => column !== 'inquiry_id');
    const changed = (where: string, ignored: string[] = []) =>
      compare(`
        select ${columns
          .filter((column) => !ignored.includes(column))
          .map((column) => `count(*) filter (where e.${column} is distinct from l.${column}) as ${column}`)
          .join(', ')}
        from earlier.main.fct_inquiries as e join main.fct_inquiries as l using (inquiry_id)
        where ${where}`).then(([row]) => Object.entries(row!).filter(([, count]) => Number(count) > 0).map(([column]) => column));

    // The same inquiries, and nothing about a closed one changes but a next action falling overdue.
    const [counts] = await compare('select (select count(*) from earlier.main.fct_inquiries) as earlier, (select count(*) from main.fct_inquiries) as later');
    expect(counts!.later).toBe(counts!.earlier);
    expect(await changed('e.closed_at is not null', TIME_DRIVEN_AFTER_CLOSE)).toEqual([]);
    const [newlyAccountable] = await compare(`
      select count(*) filter (where l.accountability_failure_reason is distinct from 'next_action_overdue') as other_reasons
      from earlier.main.fct_inquiries as e join main.fct_inquiries as l using (inquiry_id)
      where e.closed_at is not null and e.accountability_failure_reason is distinct from l.accountability_failure_reason`);
    expect(newlyAccountable!.other_reasons).toBe(0);

    // Open ones: what happened stays, time moves them on - silences become dormant, waits become misses.
    const openChanges = await changed('e.closed_at is null');
    expect(openChanges).not.toContain('triage_category');
    expect(openChanges).not.toContain('first_response_at');
    expect(openChanges).toEqual(expect.arrayContaining(['closed_at', 'close_reason']));
    const [moved] = await compare(`
      select
        (select count(*) from earlier.main.fct_inquiries as e join main.fct_inquiries as l using (inquiry_id)
          where e.closed_at is null and l.close_reason = 'dormant') as went_dormant,
        (select count(*) from earlier.main.fct_reply_obligations as e join main.fct_reply_obligations as l using (obligation_id)
          where e.is_met is null and l.is_met = false) as fell_due_undone,
        (select count(*) from earlier.main.fct_reply_obligations as e join main.fct_reply_obligations as l using (obligation_id)
          where e.is_met is not null and l.is_met is distinct from e.is_met) as decided_then_changed`);
    expect(moved!.went_dormant).toBeGreaterThan(0);
    expect(moved!.fell_due_undone).toBeGreaterThan(0);
    expect(moved!.decided_then_changed).toBe(0);
  });
});
