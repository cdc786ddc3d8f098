import { describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';

/** Raw table → the staging model that is 1:1 with it. */
const STAGING = {
  raw_whatsapp_webhooks: 'stg_whatsapp__webhooks',
  raw_whatsapp_messages: 'stg_whatsapp__messages',
  raw_whatsapp_statuses: 'stg_whatsapp__statuses',
  raw_whatsapp_contacts: 'stg_whatsapp__contacts',
  raw_whatsapp_errors: 'stg_whatsapp__errors',
  raw_outbound_messages: 'stg_outbound__messages',
  raw_inbox_events: 'stg_inbox__events',
  raw_roster: 'stg_roster__agent_versions',
  raw_crm_contacts: 'stg_crm__contact_versions',
  raw_crm_deals: 'stg_crm__deal_versions',
  raw_quarantine: 'stg_landing__quarantine',
};

describe('generate → ingest → build, end to end', () => {
  const paths = dataPaths(inject('builtDataDir'));
  const warehouse = (sql: string) => queryFile(paths.warehouse, sql);

  it('has as many rows in each staging model as in its raw table', async () => {
    for (const [raw, staging] of Object.entries(STAGING)) {
      const [rawCount] = await queryFile(paths.raw, `select count(*) as n from ${raw}`);
      const [stagingCount] = await warehouse(`select count(*) as n from ${staging}`);
      expect({ table: raw, n: stagingCount?.n }).toEqual({ table: raw, n: rawCount?.n });
    }
    const [messages] = await warehouse('select count(*) as n from stg_whatsapp__messages');
    expect(messages?.n).toBeGreaterThan(300);
  });

  it('puts every inbound message in exactly one inquiry', async () => {
    const [coverage] = await warehouse(`
      select
        (select count(*) from int_messages_unified where direction = 'inbound') as inbound,
        (select count(*) from int_messages_by_inquiry where direction = 'inbound') as assigned,
        (select count(distinct message_id) from int_messages_by_inquiry where direction = 'inbound') as distinct_assigned,
        (select sum(inbound_message_count) from fct_inquiries) as counted_in_inquiries`);
    expect(coverage?.inbound).toBeGreaterThan(0);
    expect(coverage?.assigned).toBe(coverage?.inbound);
    expect(coverage?.distinct_assigned).toBe(coverage?.inbound);
    expect(Number(coverage?.counted_in_inquiries)).toBe(coverage?.inbound);
  });

  it('opens every inquiry at an inbound message and measures the first response from it', async () => {
    const [checks] = await warehouse(`
      select
        count(*) as inquiries,
        count(*) filter (where first_response_at < opened_at) as answered_before_opening,
        count(*) filter (where first_response_seconds <> epoch(first_response_at) - epoch(opened_at)) as wrong_latency,
        count(distinct triage_category) as categories
      from fct_inquiries`);
    expect(checks?.inquiries).toBeGreaterThan(50);
    expect(checks?.answered_before_opening).toBe(0);
    expect(checks?.wrong_latency).toBe(0);
    expect(checks?.categories).toBe(4);
  });

  it('describes every mart column where analysts will see it', async () => {
    const undocumented = await warehouse(`
      select table_name, column_name from duckdb_columns()
      where (table_name like 'fct_%' or table_name like 'dim_%' or table_name like 'agg_%') and (comment is null or comment = '')`);
    expect(undocumented).toEqual([]);
  });
});
