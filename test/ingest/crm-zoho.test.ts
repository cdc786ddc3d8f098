import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import type { Fault } from '../fakes/fake-hubspot.ts';
import { startFakeZoho, type FakeZoho, type FakeZohoOptions } from '../fakes/fake-zoho.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const CREDENTIALS = { clientId: '1000.CLIENT', clientSecret: 'client-secret', refreshToken: '1000.refresh-token' };
const owner = { name: 'Priya Nair', id: '5000001', email: 'priya@vidyacoaching.in' };

/** 450 leads, 250 of them modified in the same second (more than a page), 20 contacts, 12 deals. */
function modules(): FakeZohoOptions['modules'] {
  const at = (second: number) => new Date(Date.parse('2026-10-01T10:00:00+05:30') + second * 1000).toISOString().replace('Z', '+00:00').replace('.000', '');
  const leads = Array.from({ length: 450 }, (_, index) => ({
    id: String(4_000_000_000_000 + index),
    First_Name: `Lead${index}`,
    Last_Name: 'Test',
    Mobile: index % 2 ? `0${9811100000 + index}` : null,
    Owner: owner,
    Lead_Status: 'Contacted',
    Created_Time: at(0),
    Modified_Time: at(index < 250 ? 5 : index),
  }));
  const contacts = Array.from({ length: 20 }, (_, index) => ({
    id: String(5_000_000_000_000 + index),
    Full_Name: `Contact ${index}`,
    Phone: `+91 98222 ${String(10000 + index)}`,
    Owner: { ...owner, email: 'ghost@elsewhere.in' },
    Created_Time: at(0),
    Modified_Time: at(index),
  }));
  const deals = Array.from({ length: 12 }, (_, index) => ({
    id: String(6_000_000_000_000 + index),
    Deal_Name: `Deal ${index}`,
    Amount: 20000 + index * 5000,
    Stage: index % 4 === 0 ? 'Closed Won' : 'Negotiation/Review',
    Closing_Date: '2026-10-15',
    Contact_Name: { name: 'Contact 1', id: String(5_000_000_000_001) },
    Owner: owner,
    Created_Time: at(0),
    Modified_Time: at(index * 10),
  }));
  return { Leads: leads, Contacts: contacts, Deals: deals };
}

describe('`replywatch ingest crm zoho`', () => {
  let fake: FakeZoho | undefined;
  afterEach(async () => fake?.close());

  const pull = (data: string, zoho: FakeZoho, credentials = CREDENTIALS, ...args: string[]) =>
    runCli(['--data', data, 'ingest', 'crm', 'zoho', ...args], {
      ZOHO_CLIENT_ID: credentials.clientId,
      ZOHO_CLIENT_SECRET: credentials.clientSecret,
      ZOHO_REFRESH_TOKEN: credentials.refreshToken,
      ZOHO_ACCOUNTS_URL: zoho.url,
      ZOHO_API_URL: zoho.url,
      REPLYWATCH_RETRY_BASE_MS: '5',
    });

  it('pulls leads, contacts and deals through pages, more ties than a page, an expiring token and a 429', async () => {
    const data = tempDir();
    fake = await startFakeZoho({ ...CREDENTIALS, modules: modules(), tokenLifetime: 2, rateLimitedRequests: [3] });
    const result = await pull(data, fake);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^zoho:leads: 450 records in \d+ pages$/m);
    expect(result.stdout).toMatch(/^zoho:contacts: 20 records in 1 page$/m);
    expect(result.stdout).toMatch(/^zoho:deals: 12 records in 1 page$/m);
    expect(result.stdout).toContain('owners not on the roster (add their email to roster.csv): ghost@elsewhere.in, priya@vidyacoaching.in');
    expect(result.stderr).toContain('Zoho: 429 Too Many Requests; retrying in 1.0s');
    expect(fake.tokensIssued()).toBeGreaterThan(1);
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, 'select count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ ids: 470 }]);
    const [deal] = await queryFile(raw, "select stage, amount_inr, crm_contact_id, closed_at from raw_crm_deals where deal_id = '6000000000000'");
    expect(deal).toEqual({ stage: 'Closed Won', amount_inr: 20000, crm_contact_id: '5000000000001', closed_at: new Date('2026-10-14T18:30:00Z') });
    const [lead] = await queryFile(raw, "select lifecycle_stage, name from raw_crm_contacts where crm_contact_id = '4000000000001'");
    expect(lead).toEqual({ lifecycle_stage: 'Contacted', name: 'Lead1 Test' });
  });

  it('retries a request that times out, one whose body stalls halfway, and a 502, and lands every record once', async () => {
    const data = tempDir();
    const faults: Record<number, Fault> = { 1: 'hang', 3: 'hang-body', 5: 502 };
    fake = await startFakeZoho({ ...CREDENTIALS, modules: modules(), faultForRequest: (n) => faults[n] });
    const result = await runCli(['--data', data, 'ingest', 'crm', 'zoho'], {
      ZOHO_CLIENT_ID: CREDENTIALS.clientId,
      ZOHO_CLIENT_SECRET: CREDENTIALS.clientSecret,
      ZOHO_REFRESH_TOKEN: CREDENTIALS.refreshToken,
      ZOHO_ACCOUNTS_URL: fake.url,
      ZOHO_API_URL: fake.url,
      REPLYWATCH_RETRY_BASE_MS: '5',
      REPLYWATCH_CRM_TIMEOUT_MS: '500',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Zoho: timed out; retrying');
    expect(result.stderr).toContain('Zoho: 502 Bad Gateway; retrying');
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, 'select count(distinct crm_contact_id) as ids, count(distinct (crm_contact_id, updated_at)) as versions, count(*) as n from raw_crm_contacts')).toEqual([{ ids: 470, versions: 470, n: 470 }]);
    expect(await queryFile(raw, 'select count(*) as n from raw_crm_deals')).toEqual([{ n: 12 }]);
  });

  it('lands a record that comes twice in a page once', async () => {
    const data = tempDir();
    fake = await startFakeZoho({
      ...CREDENTIALS,
      modules: modules(),
      mutatePage: (records) => records.flatMap((record, index) => (index === 0 ? [record, record] : [record])),
    });
    const result = await pull(data, fake);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^zoho:leads: 450 records in \d+ pages$/m);
    expect(await queryFile(dataPaths(data).raw, 'select count(*) as n, count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ n: 470, ids: 470 }]);
  });

  it('stops with a clear message when Zoho refuses the refresh token', async () => {
    const data = tempDir();
    fake = await startFakeZoho({ ...CREDENTIALS, modules: modules() });
    const result = await pull(data, fake, { ...CREDENTIALS, refreshToken: '1000.revoked' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'replywatch: Zoho refused the refresh token (invalid_code); check ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN',
    );
  });

  it('asks only for what changed since the last pull', async () => {
    const data = tempDir();
    fake = await startFakeZoho({ ...CREDENTIALS, modules: modules() });
    expect((await pull(data, fake)).code).toBe(0);
    const before = fake.requests.length;
    const again = await pull(data, fake);
    expect(again.code).toBe(0);
    const leadsSince = fake.requests.slice(before).find((request) => request.module === 'Leads')?.since;
    expect(Date.parse(leadsSince ?? '')).toBeGreaterThan(Date.parse('2026-10-01T10:07:00+05:30'));
    expect(await queryFile(join(data, 'raw.duckdb'), 'select count(*) as n from raw_crm_contacts')).toEqual([{ n: 470 }]);
  });

  it('loses no lead when one is edited while a tie is read page by page', async () => {
    const data = tempDir();
    const all = modules();
    fake = await startFakeZoho({
      ...CREDENTIALS,
      modules: all,
      // The first request ends inside the tie of 250 leads, the second reads it from its first page;
      // then a lead already read is edited, and every later page of the tie shifts by one.
      afterEachRequest: (requestNumber) => {
        if (requestNumber !== 2) return;
        const lead = all.Leads!.find((record) => record.id === '4000000000005')!;
        Object.assign(lead, { First_Name: 'Edited', Modified_Time: '2026-10-01T05:00:00+00:00' });
      },
    });
    const result = await pull(data, fake);
    expect(result.code, result.stderr).toBe(0);
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, "select count(distinct crm_contact_id) as ids from raw_crm_contacts where lifecycle_stage = 'Contacted'")).toEqual([{ ids: 450 }]);
    expect(await queryFile(raw, "select arg_max(name, updated_at) as name from raw_crm_contacts where crm_contact_id = '4000000000005'")).toEqual([{ name: 'Edited Test' }]);
    const cursors = JSON.parse(readFileSync(join(data, 'state', 'crm-cursors.json'), 'utf8'));
    expect(cursors['zoho:leads']).toMatchObject({ watermark: '2026-10-01T04:59:59+00:00', position: null });
  });

  it('backfills with --since without moving the stored cursor', async () => {
    const data = tempDir();
    fake = await startFakeZoho({ ...CREDENTIALS, modules: modules() });
    expect((await pull(data, fake)).code).toBe(0);
    const cursorFile = join(data, 'state', 'crm-cursors.json');
    const before = readFileSync(cursorFile, 'utf8');
    const backfill = await pull(data, fake, CREDENTIALS, '--since', '2026-10-01T10:07:00+05:30');
    expect(backfill.code, backfill.stderr).toBe(0);
    // Leads 420–449 were modified from 10:07:00 on; the since second itself is included.
    expect(backfill.stdout).toMatch(/^zoho:leads: 30 records in 1 page$/m);
    expect(readFileSync(cursorFile, 'utf8')).toBe(before);
  });
});
