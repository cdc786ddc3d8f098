import { describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';

/** What a supervisor and an analyst rely on in the marts of the demo warehouse, checked across marts. */
describe('the response marts', () => {
  const warehouse = (sql: string) => queryFile(dataPaths(inject('builtDataDir')).warehouse, sql);

  it('queue: ranked 1..n by score, only work that is still open, with a reason and someone to do it', async () => {
    const rows = await warehouse('select * from rpt_next_actions order by priority_rank');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.map((row) => row.priority_rank)).toEqual(rows.map((_, index) => index + 1));
    const scores = rows.map((row) => Number(row.priority_score));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(rows.filter((row) => !row.reason || !row.assignee_agent_id)).toEqual([]);
    const [stale] = await warehouse(`
      select count(*) as n from rpt_next_actions join fct_inquiries using (inquiry_id)
      where fct_inquiries.closed_at is not null and not (fct_inquiries.close_reason = 'dormant' and fct_inquiries.disposition is null)
        and rpt_next_actions.action not in ('follow_up', 're_engage')`);
    expect(stale!.n).toBe(0);
    const [inactive] = await warehouse('select count(*) as n from rpt_next_actions join dim_agents on agent_id = assignee_agent_id where not is_active');
    expect(inactive!.n).toBe(0);
  });

  it('queue: a template is required exactly when the contact last wrote more than 24 hours before now', async () => {
    const [mismatched] = await warehouse(`
      with last_inbound as (
        select contact_id, max(sent_at) as at from int_messages_unified where direction = 'inbound' group by contact_id
      )
      select count(*) as n
      from rpt_next_actions join last_inbound using (contact_id)
      where requires_template <> (last_inbound.at < timestamptz '2026-11-27 12:00:00+05:30' - interval 24 hours)`);
    expect(mismatched!.n).toBe(0);
  });

  it('weekly health: categories and agents add up to the all rows, and every inquiry is counted once', async () => {
    const [sums] = await warehouse(`
      select
        (select sum(inquiry_count) from agg_response_health_weekly where agent_id = 'all' and triage_category = 'all') as all_rows,
        (select sum(inquiry_count) from agg_response_health_weekly where agent_id = 'all' and triage_category <> 'all') as by_category,
        (select sum(inquiry_count) from agg_response_health_weekly where agent_id <> 'all' and triage_category <> 'all') as by_agent,
        (select count(*) from fct_inquiries) as inquiries`);
    expect(Number(sums!.all_rows)).toBe(sums!.inquiries);
    expect(Number(sums!.by_category)).toBe(sums!.inquiries);
    expect(Number(sums!.by_agent)).toBe(sums!.inquiries);
    const [rates] = await warehouse(`
      select count(*) as n from agg_response_health_weekly
      where met_rate not between 0 and 1 or five_minute_hit_rate not between 0 and 1 or visibility_failure_rate not between 0 and 1`);
    expect(rates!.n).toBe(0);
  });

  it('inquiries: failures carry a reason exactly when flagged, and answered inquiries credit a person', async () => {
    const [flags] = await warehouse(`
      select count(*) as n from fct_inquiries
      where has_visibility_failure <> (visibility_failure_reason is not null)
         or has_context_failure <> (context_failure_reason is not null)
         or has_priority_failure <> (priority_failure_reason is not null)
         or has_accountability_failure <> (accountability_failure_reason is not null)
         or (first_response_at is not null and first_response_agent_id is null)`);
    expect(flags!.n).toBe(0);
    const [failures] = await warehouse(`
      select count(*) filter (where has_visibility_failure) as visibility, count(*) filter (where has_context_failure) as context,
             count(*) filter (where has_priority_failure) as priority, count(*) filter (where has_accountability_failure) as accountability
      from fct_inquiries`);
    // The demo team shows every failure mode somewhere.
    expect(Object.values(failures!).every((count) => Number(count) > 0)).toBe(true);
  });
});
