import type { DataPaths } from '../lib/data-paths.ts';
import { openDatabase } from '../lib/duckdb.ts';

interface CategoryRow {
  triage_category: string;
  inquiry_count: bigint;
  judged_count: bigint;
  met_share: number | null;
  median_first_response_seconds: bigint | null;
  target_seconds: number | null;
}

/** A few lines on the warehouse's health, read from the marts (never recomputed here). */
export async function healthSummary(paths: DataPaths): Promise<string> {
  const database = await openDatabase(paths.warehouse, { readOnly: true });
  try {
    const { connection } = database;
    const totals = (
      await connection.runAndReadAll(`
        select count(*) as inquiries,
          count(distinct contact_id) as contacts,
          count(*) filter (where closed_at is null) as open_now,
          count(*) filter (where closed_at is null and first_response_at is null) as waiting_for_a_person
        from fct_inquiries`)
    ).getRowObjectsJS()[0]!;
    const categories = (
      await connection.runAndReadAll('select * from agg_first_response_by_category order by priority_rank')
    ).getRowObjectsJS() as unknown as CategoryRow[];
    const lines = [
      `inquiries: ${fmt(totals.inquiries)} from ${fmt(totals.contacts)} contacts; open now: ${fmt(totals.open_now)}, ` +
        `${fmt(totals.waiting_for_a_person)} still waiting for a person`,
      'answered within target:',
      ...categories.map((row) => {
        const share = row.met_share === null ? '   –' : `${Math.round(row.met_share * 100)}%`.padStart(4);
        const median = row.median_first_response_seconds === null ? '–' : duration(Number(row.median_first_response_seconds));
        const target = row.target_seconds === null ? 'same business day' : duration(row.target_seconds);
        return `  ${row.triage_category.replaceAll('_', ' ').padEnd(20)} ${share} of ${fmt(row.judged_count).padStart(6)}  (target ${target}, median ${median})`;
      }),
    ];
    return lines.join('\n');
  } finally {
    database.close();
  }
}

function fmt(value: unknown): string {
  return Number(value).toLocaleString('en-IN');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
