import type { DataPaths } from '../lib/data-paths.ts';
import { openDatabase } from '../lib/duckdb.ts';
import { formatInr } from '../lib/format-inr.ts';

interface WeekRow {
  week_start: string;
  triage_category: string;
  inquiry_count: number;
  judged_count: number;
  met_rate: number | null;
  median_first_response_seconds: number | null;
  five_minute_hit_rate: number | null;
  follow_up_24h_rate: number | null;
  re_engagement_in_window_rate: number | null;
  visibility_failure_rate: number | null;
  context_failure_rate: number | null;
  priority_failure_rate: number | null;
  accountability_failure_rate: number | null;
  after_hours_met_rate: number | null;
  business_hours_met_rate: number | null;
  breached_value_inr: number;
  target_seconds: number | null;
}

const CATEGORIES = ['high_intent_return', 'fresh_high_intent', 'information_request', 'passive_engagement'];

/**
 * The owner's weekly headline, read from agg_response_health_weekly (never recomputed here): the
 * last complete week against the week before, per category and across them.
 */
export async function healthSummary(paths: DataPaths): Promise<string> {
  const database = await openDatabase(paths.warehouse, { readOnly: true });
  try {
    const rows = (
      await database.connection.runAndReadAll(`
        with weeks as (select distinct week_start from agg_response_health_weekly order by week_start desc limit 3 offset 1)
        select health.* exclude (week_start), strftime(health.week_start, '%Y-%m-%d') as week_start, sla_targets.target_seconds
        from agg_response_health_weekly as health
        left join sla_targets using (triage_category)
        where health.agent_id = 'all' and health.week_start in (select week_start from weeks)
        order by week_start desc`)
    ).getRowObjectsJson() as unknown as WeekRow[];
    const weeks = [...new Set(rows.map((row) => row.week_start))];
    if (!weeks.length) return 'no complete week of inquiries yet';
    const [last, before] = weeks as [string, string | undefined];
    const pick = (week: string | undefined, category: string) => rows.find((row) => row.week_start === week && row.triage_category === category);
    const total = pick(last, 'all')!;
    const previous = pick(before, 'all');
    const lines = [
      `week of ${last}: ${total.inquiry_count} inquiries, ${percent(total.met_rate)} answered within target${previous ? ` (week before: ${percent(previous.met_rate)})` : ''}`,
    ];
    for (const category of CATEGORIES) {
      const row = pick(last, category);
      if (!row) continue;
      const median = row.median_first_response_seconds === null ? 'none answered' : `waited a median ${duration(Number(row.median_first_response_seconds))}`;
      const target = row.target_seconds === null ? 'same business day' : duration(Number(row.target_seconds));
      lines.push(`  ${category.replaceAll('_', ' ').padEnd(20)} ${percent(row.met_rate).padStart(4)} within target; ${median}; target ${target}`);
    }
    lines.push(
      `  5-minute replies to high intent: ${percent(total.five_minute_hit_rate)}; follow-up within 24 h: ${percent(total.follow_up_24h_rate)}; re-engagement on day 4-7: ${percent(total.re_engagement_in_window_rate)}`,
      `  within target after hours ${percent(total.after_hours_met_rate)} vs business hours ${percent(total.business_hours_met_rate)}`,
      `  failures - visibility ${percent(total.visibility_failure_rate)}, context ${percent(total.context_failure_rate)}, priority ${percent(total.priority_failure_rate)}, accountability ${percent(total.accountability_failure_rate)}`,
      `  deals at stake in inquiries that missed their target: ${formatInr(Number(total.breached_value_inr))}`,
    );
    return lines.join('\n');
  } finally {
    database.close();
  }
}

/** The top of the team's queue (rpt_next_actions), one line each: what to do, for whom, and why. */
export async function queueSummary(paths: DataPaths, limit = 5): Promise<string> {
  const database = await openDatabase(paths.warehouse, { readOnly: true });
  try {
    const reader = await database.connection.runAndReadAll(
      `select priority_rank, coalesce(assignee_agent_id, 'unassigned') as assignee, coalesce(contact_name, contact_wa_id, contact_id) as contact, reason,
         (select count(*) from rpt_next_actions) as total
       from rpt_next_actions order by priority_rank limit $limit`,
      { limit },
    );
    const rows = reader.getRowObjectsJson() as Array<{ priority_rank: number; assignee: string; contact: string; reason: string; total: string }>;
    if (!rows.length) return 'next actions: nothing waiting';
    return [
      `next actions (${rows[0]!.total} in the queue, top ${rows.length}):`,
      ...rows.map((row) => `  ${row.priority_rank}. ${row.contact} → ${row.assignee}: ${row.reason}`),
    ].join('\n');
  } finally {
    database.close();
  }
}

function percent(rate: number | null): string {
  return rate === null || rate === undefined ? '–' : `${Math.round(Number(rate) * 100)}%`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Number((seconds / 3600).toFixed(1))} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
