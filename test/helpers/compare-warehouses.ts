import { queryFile } from './read-db.ts';

/**
 * Rows that differ between two warehouses, per table (both directions, duplicates counted), over
 * every table of the first. Left out by design: when each build ran (meta_build.built_at, the
 * staging rows' appended_at) and which contacts each recomputed (int_changed_contacts).
 */
export async function warehouseDifferences(path: string, otherPath: string): Promise<{ compared: string[]; differing: Record<string, number> }> {
  const tables = (await queryFile(path, "select table_name from duckdb_tables() where schema_name = 'main' order by 1"))
    .map((row) => String(row.table_name))
    .filter((table) => table !== 'int_changed_contacts');
  const stamped = new Set(
    (await queryFile(path, "select table_name from duckdb_columns() where schema_name = 'main' and column_name = 'appended_at'")).map((row) => String(row.table_name)),
  );
  const differing: Record<string, number> = {};
  for (const table of tables) {
    const columns = table === 'meta_build' ? '* exclude (built_at)' : stamped.has(table) ? '* exclude (appended_at)' : '*';
    const [row] = await queryFile(
      path,
      `attach '${otherPath}' as other (read_only);
       select
         (select count(*) from (select ${columns} from main.${table} except all select ${columns} from other.main.${table})) +
         (select count(*) from (select ${columns} from other.main.${table} except all select ${columns} from main.${table})) as differing`,
    );
    if (Number(row!.differing) > 0) differing[table] = Number(row!.differing);
  }
  return { compared: tables, differing };
}
