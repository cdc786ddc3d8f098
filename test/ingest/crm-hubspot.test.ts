import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { startFakeHubspot, type FakeHubspot, type FakeHubspotOptions, type FakeObject, type Fault } from '../fakes/fake-hubspot.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { FIXTURES } from '../helpers/webhook-app.ts';

const TOKEN = 'pat-na1-test';
const BASE = Date.parse('2026-10-01T00:00:00Z');
const PHONES = ['+91 98111 12222', '098222-23333', '98333 44444', null];

/** 250 contacts, modified ten at a time in the same millisecond, and 30 deals. */
function hubspotData(): Omit<FakeHubspotOptions, 'token'> {
  const contacts: FakeObject[] = Array.from({ length: 250 }, (_, index) => ({
    id: String(index + 1),
    properties: {
      firstname: `Person${index + 1}`,
      lastname: 'Test',
      phone: PHONES[index % PHONES.length] ?? null,
      // Contact 3 has a landline and the mobile they use WhatsApp from.
      mobilephone: index === 2 ? '+91 98111 12222' : null,
      // 102 is not on the roster, 103 left (an archived owner), 999 is an id HubSpot no longer knows.
      hubspot_owner_id: index % 5 === 0 ? '102' : index % 7 === 0 ? '103' : index === 248 ? '999' : '101',
      lifecyclestage: 'lead',
      createdate: new Date(BASE).toISOString(),
      lastmodifieddate: new Date(BASE + Math.floor(index / 10) * 60_000).toISOString(),
    },
  }));
  const deals: FakeObject[] = Array.from({ length: 30 }, (_, index) => ({
    id: String(5000 + index),
    properties: {
      dealname: `Deal ${index}`,
      amount: String(25000 + index * 1000),
      dealstage: index % 3 === 0 ? 'closedwon' : 'appointmentscheduled',
      pipeline: 'default',
      closedate: new Date(BASE + 86_400_000).toISOString(),
      hubspot_owner_id: '101',
      createdate: new Date(BASE).toISOString(),
      hs_lastmodifieddate: new Date(BASE + index * 1000).toISOString(),
    },
  }));
  return {
    contacts,
    deals,
    owners: [
      { id: '101', email: 'Priya@VidyaCoaching.in' },
      { id: '102', email: 'someone@elsewhere.com' },
      { id: '103', email: 'rahul@vidyacoaching.in', archived: true },
    ],
    pipelines: [
      {
        id: 'default',
        label: 'Sales Pipeline',
        stages: [
          { id: 'appointmentscheduled', label: 'Appointment scheduled', metadata: { isClosed: 'false' } },
          { id: 'closedwon', label: 'Closed won', metadata: { isClosed: 'true' } },
        ],
      },
    ],
    associations: Object.fromEntries(deals.map((deal, index) => [deal.id, [String(index + 1)]])),
  };
}

async function prepared(): Promise<DataPaths> {
  const paths = dataPaths(tempDir());
  const roster = join(paths.root, 'roster.csv');
  writeFileSync(roster, 'agent_id,name,email,role,team,supervisor_id,capacity,active\na_priya,Priya Nair,priya@vidyacoaching.in,senior,sales,,30,true\na_rahul,Rahul Verma,rahul@vidyacoaching.in,sales,sales,a_priya,30,false\n');
  expect((await runCli(['--data', paths.root, 'ingest', 'roster', roster])).code).toBe(0);
  expect((await runCli(['--data', paths.root, 'ingest', 'whatsapp', join(FIXTURES, 'every-message-type.ndjson')])).code).toBe(0);
  return paths;
}

const pull = (paths: DataPaths, fake: FakeHubspot, ...args: string[]) =>
  runCli(['--data', paths.root, 'ingest', 'crm', 'hubspot', ...args], { HUBSPOT_TOKEN: TOKEN, HUBSPOT_BASE_URL: fake.url, REPLYWATCH_RETRY_BASE_MS: '5' });

describe('`replywatch ingest crm hubspot`', () => {
  let fake: FakeHubspot | undefined;
  afterEach(async () => fake?.close());

  it('pages through contacts and deals, maps owners by email, stages and associations, and reports the phone match', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData() });
    const result = await pull(paths, fake);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^hubspot:contacts: 250 records in \d+ pages$/m);
    expect(result.stdout).toMatch(/^hubspot:deals: 30 records in 1 page$/m);
    expect(result.stdout).toContain('owners not on the roster (add their email to roster.csv): someone@elsewhere.com');
    expect(result.stdout).toContain('owners with no email to match the roster by (their records stay unowned): HubSpot owner 999 (unknown id)');
    expect(await queryFile(paths.raw, "select phone from raw_crm_contacts where crm_contact_id = '3'")).toEqual([{ phone: '+91 98111 12222' }]);
    const owned = await queryFile(paths.raw, "select crm_contact_id, owner_agent_id from raw_crm_contacts where crm_contact_id in ('8', '249') order by 1");
    expect(owned).toEqual([
      { crm_contact_id: '249', owner_agent_id: null },
      { crm_contact_id: '8', owner_agent_id: 'a_rahul' },
    ]);
    // Two of the CRM phones are contacts who wrote on WhatsApp (+91 98111 12222, 098222-23333).
    expect(result.stdout).toMatch(/^CRM contacts with a phone: 188; matched to a WhatsApp contact: 127 \(68%\)$/m);
    expect(await queryFile(paths.raw, 'select count(*) as n, count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ n: 250, ids: 250 }]);
    const [deal] = await queryFile(paths.raw, "select crm_contact_id, stage, amount_inr, owner_agent_id, closed_at is not null as closed from raw_crm_deals where deal_id = '5003'");
    expect(deal).toEqual({ crm_contact_id: '4', stage: 'Closed won', amount_inr: 28000, owner_agent_id: 'a_priya', closed: true });
    const [unmatched] = await queryFile(paths.raw, "select owner_agent_id from raw_crm_contacts where crm_contact_id = '1'");
    expect(unmatched).toEqual({ owner_agent_id: null });
    // Keyset paging: never an `after` offset (HubSpot caps those at 10,000 results).
    expect(fake.searches.every((search) => search.after === null)).toBe(true);
    expect(fake.searches.filter((search) => search.object === 'contacts').length).toBeGreaterThanOrEqual(3);
  });

  it('reads a tie of more than a page by id, and loses no record edited during the pull', async () => {
    const paths = await prepared();
    const data = hubspotData();
    // 150 contacts imported in the same millisecond: more than one page shares one modified time.
    const tied = new Date(BASE).toISOString();
    const contacts: FakeObject[] = data.contacts.slice(0, 150).map((contact) => ({ ...contact, properties: { ...contact.properties, lastmodifieddate: tied } }));
    const edit = (id: string, firstname: string, at: number) => {
      const contact = contacts.find((candidate) => candidate.id === id)!;
      contact.properties = { ...contact.properties, firstname, lastmodifieddate: new Date(at).toISOString() };
    };
    fake = await startFakeHubspot({
      token: TOKEN,
      ...data,
      contacts,
      // After the first page, someone edits a contact the pull has not read yet and one it has.
      afterEachSearch: (searchNumber) => {
        if (searchNumber !== 1) return;
        edit('10', 'Edited-unread', BASE + 5_000);
        edit('150', 'Edited-read', BASE + 6_000);
      },
    });
    const result = await pull(paths, fake);
    expect(result.code, result.stderr).toBe(0);
    expect(await queryFile(paths.raw, 'select count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ ids: 150 }]);
    const latest = await queryFile(
      paths.raw,
      "select crm_contact_id, arg_max(name, updated_at) as name from raw_crm_contacts where crm_contact_id in ('10', '150') group by all order by crm_contact_id",
    );
    expect(latest).toEqual([
      { crm_contact_id: '10', name: 'Edited-unread Test' },
      { crm_contact_id: '150', name: 'Edited-read Test' },
    ]);
    expect(fake.searches.some((search) => search.operator === 'EQ')).toBe(true);
  });

  it('resumes after an outage mid-pull, without a gap or a duplicate', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData(), outageFromSearch: 3 });
    const failed = await pull(paths, fake);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/replywatch: HubSpot did not answer after 6 attempts: 503 Service Unavailable; the next pull resumes where this one stopped/);
    const cursors = JSON.parse(readFileSync(join(paths.root, 'state', 'crm-cursors.json'), 'utf8'));
    const saved = cursors['hubspot:contacts'].watermark as string;
    expect(Number(saved)).toBeGreaterThan(BASE);

    fake.recover();
    const searchesBefore = fake.searches.length;
    const resumed = await pull(paths, fake);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(fake.searches[searchesBefore]).toMatchObject({ object: 'contacts', since: saved });
    expect(await queryFile(paths.raw, 'select count(*) as n, count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ n: 250, ids: 250 }]);
  });

  it('waits as Retry-After says on 429 and carries on', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData(), rateLimitedSearches: [2] });
    const result = await pull(paths, fake);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('HubSpot: 429 Too Many Requests; retrying in 1.0s');
    expect(await queryFile(paths.raw, 'select count(*) as n from raw_crm_contacts')).toEqual([{ n: 250 }]);
  });

  it('retries a search that times out, one whose body stalls halfway, and a 502, and lands every record once', async () => {
    const paths = await prepared();
    const faults: Record<number, Fault> = { 2: 'hang', 3: 'hang-body', 5: 502 };
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData(), faultForSearch: (n) => faults[n] });
    const result = await runCli(['--data', paths.root, 'ingest', 'crm', 'hubspot'], {
      HUBSPOT_TOKEN: TOKEN,
      HUBSPOT_BASE_URL: fake.url,
      REPLYWATCH_RETRY_BASE_MS: '5',
      REPLYWATCH_CRM_TIMEOUT_MS: '500',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('HubSpot: timed out; retrying');
    expect(result.stderr).toContain('HubSpot: 502 Bad Gateway; retrying');
    expect(await queryFile(paths.raw, 'select count(*) as n, count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ n: 250, ids: 250 }]);
    expect(await queryFile(paths.raw, 'select count(*) as n, count(distinct deal_id) as ids from raw_crm_deals')).toEqual([{ n: 30, ids: 30 }]);
  });

  it('lands a record that comes twice in a page once, and counts it once', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({
      token: TOKEN,
      ...hubspotData(),
      // Every page repeats one of its records next to itself.
      mutatePage: (results) => results.flatMap((object, index) => (index === Math.floor(results.length / 2) ? [object, object] : [object])),
    });
    const result = await pull(paths, fake);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^hubspot:contacts: 250 records in \d+ pages$/m);
    expect(await queryFile(paths.raw, 'select count(*) as n, count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ n: 250, ids: 250 }]);
  });

  it('reads again from a cursor moved back (a restored backup) without doubling anything', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData() });
    expect((await pull(paths, fake)).code).toBe(0);
    const cursorFile = join(paths.root, 'state', 'crm-cursors.json');
    const cursors = JSON.parse(readFileSync(cursorFile, 'utf8'));
    cursors['hubspot:contacts'] = { ...cursors['hubspot:contacts'], watermark: String(BASE + 5 * 60_000), position: null };
    writeFileSync(cursorFile, JSON.stringify(cursors));
    const again = await pull(paths, fake);
    expect(again.code, again.stderr).toBe(0);
    // Contacts modified after minute 5 (ten a minute) come again, and dedupe.
    expect(again.stdout).toMatch(/^hubspot:contacts: 190 records in \d+ pages$/m);
    expect(await queryFile(paths.raw, 'select count(*) as n, count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ n: 250, ids: 250 }]);
  });

  it('stops with one line naming the cursor file when it is not JSON', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData() });
    const cursorFile = join(paths.root, 'state', 'crm-cursors.json');
    mkdirSync(join(paths.root, 'state'), { recursive: true });
    writeFileSync(cursorFile, '{"hubspot:contacts": {"watermark": "17');
    const result = await pull(paths, fake);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`replywatch: ${cursorFile} is not valid JSON (`);
    expect(lines[0]).toMatch(/\); fix it, or delete it to pull everything again \(records already landed are not doubled\)$/);
  });

  it('stops with a clear message when the token is refused, landing nothing', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: 'another-token', ...hubspotData() });
    const result = await pull(paths, fake);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^replywatch: HubSpot refused the credentials \(401\): .*Authentication credentials not found/);
    expect(existsSync(join(paths.root, 'state', 'crm-cursors.json'))).toBe(false);
  });

  it('stops after --max-pages and continues from there next time', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData() });
    const first = await pull(paths, fake, '--max-pages', '1');
    expect(first.stdout).toMatch(/^hubspot:contacts: 100 records in 1 page \(stopped at --max-pages; the next pull continues\)$/m);
    const second = await pull(paths, fake);
    expect(second.code).toBe(0);
    expect(await queryFile(paths.raw, 'select count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ ids: 250 }]);
  });

  it('backfills with --since without moving the stored cursor', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData() });
    expect((await pull(paths, fake, '--max-pages', '1')).code).toBe(0);
    const cursorFile = join(paths.root, 'state', 'crm-cursors.json');
    const before = readFileSync(cursorFile, 'utf8');
    const backfill = await pull(paths, fake, '--since', new Date(BASE + 20 * 60_000).toISOString());
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(backfill.stdout).toMatch(/^hubspot:contacts: 50 records in 1 page$/m);
    expect(readFileSync(cursorFile, 'utf8')).toBe(before);
  });

  it('runs two pulls started together one after the other', async () => {
    const paths = await prepared();
    fake = await startFakeHubspot({ token: TOKEN, ...hubspotData() });
    const [first, second] = await Promise.all([pull(paths, fake), pull(paths, fake)]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(`${first.stderr}${second.stderr}`).toMatch(/waiting for a pull from hubspot \(pid \d+/);
    expect(await queryFile(paths.raw, 'select count(distinct crm_contact_id) as ids from raw_crm_contacts')).toEqual([{ ids: 250 }]);
  });
});
