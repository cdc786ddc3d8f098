import { afterEach, describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { startFakeHubspot, type FakeHubspot, type FakeObject, type Fault } from '../fakes/fake-hubspot.ts';
import { startFakeZoho, type FakeZoho } from '../fakes/fake-zoho.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { budget, recordFigures, repetitions, SEED, seededRandom, type FaultFigures } from './chaos.ts';

const TOKEN = 'pat-na1-chaos';
const ZOHO = { clientId: '1000.CHAOS', clientSecret: 'chaos-secret', refreshToken: '1000.chaos-refresh' };
const BASE = Date.parse('2026-10-01T00:00:00Z');
const FAULTS: Fault[] = ['hang', 'hang-body', 500, 502, 503, 504, 429];
const env = { REPLYWATCH_RETRY_BASE_MS: '5', REPLYWATCH_CRM_TIMEOUT_MS: '400' };

type Random = ReturnType<typeof seededRandom>;

/**
 * The faults of one pull: a quarter of the requests misbehave (a hang, a body that stalls, a 5xx,
 * a 429 with Retry-After), and one pull in four hits an outage from some request on, so it stops
 * and the next pull has to resume from the cursor.
 */
function faultPlan(random: Random) {
  const outageFrom = random.next() < 0.25 ? Math.floor(random.between(1, 8)) : Infinity;
  let injected = 0;
  let first = 0;
  return {
    /** Called with the fake's own request count; `start` marks where this pull's requests begin. */
    start(count: number) {
      first = count;
    },
    fault(requestNumber: number): Fault | undefined {
      const n = requestNumber - first;
      const fault = n >= outageFrom ? 503 : random.next() < 0.25 ? random.pick(FAULTS) : undefined;
      if (fault !== undefined) injected += 1;
      return fault;
    },
    injected: () => injected,
    outage: outageFrom !== Infinity,
  };
}

/** Where each record ended up: every current version in raw.duckdb (no gap), each version once (no double). */
async function gapsAndDoubles(raw: string, table: 'raw_crm_contacts' | 'raw_crm_deals', id: string, current: Map<string, number>) {
  const rows = await queryFile(raw, `select ${id} as id, epoch_ms(updated_at) as at, count(*) as n from ${table} group by all`);
  const versions = new Set(rows.map((row) => `${row.id}@${row.at}`));
  const gaps = [...current].filter(([key, at]) => !versions.has(`${key}@${at}`)).map(([key]) => key);
  const doubled = rows.filter((row) => Number(row.n) > 1).map((row) => `${row.id}@${row.at}`);
  return { gaps, doubled };
}

describe('CRM pulls against APIs that misbehave at random', () => {
  let hubspot: FakeHubspot | undefined;
  let zoho: FakeZoho | undefined;
  afterEach(async () => {
    await hubspot?.close();
    await zoho?.close();
  });

  it('HubSpot: timeouts, stalled bodies, 5xx, 429s, outages and edits during the pull; every version lands once', async () => {
    const rounds = repetitions(2, 30);
    const time = budget(300);
    const random = seededRandom(SEED);
    const figures: FaultFigures = {
      fault: 'HubSpot API: timeouts, stalled bodies, 5xx, 429 with Retry-After, outages, records edited during a pull',
      load: '300 contacts and 40 deals, edited and added between and during pulls',
      repetitions: 0, faultsInjected: 0, recordsChecked: 0, lost: 0, doubled: 0, notes: [], seed: SEED, seconds: 0,
    };
    // Edits happen later than anything already there: modified times only move forward.
    let clock = BASE + 3600_000;
    const contact = (n: number, at: number): FakeObject => ({
      id: String(n),
      properties: { firstname: `P${n}`, lastname: 'Chaos', phone: `98111${String(10000 + n)}`, mobilephone: null, hubspot_owner_id: '101', lifecyclestage: 'lead', createdate: new Date(BASE).toISOString(), lastmodifieddate: new Date(at).toISOString() },
    });
    // Ten contacts share each modified time: ties wider than a page come with the edits below.
    const contacts = Array.from({ length: 300 }, (_, n) => contact(n + 1, BASE + Math.floor(n / 10) * 1000));
    const deals: FakeObject[] = Array.from({ length: 40 }, (_, n) => ({
      id: String(9000 + n),
      properties: { dealname: `D${n}`, amount: '1000', dealstage: 'open', pipeline: 'default', closedate: null, hubspot_owner_id: '101', createdate: new Date(BASE).toISOString(), hs_lastmodifieddate: new Date(BASE + n * 1000).toISOString() },
    }));
    /** Edits a few contacts (some to one shared millisecond, a tie) and adds some. */
    const edit = (): void => {
      clock += Math.floor(random.between(1, 5)) * 1000;
      const tie = random.next() < 0.5;
      for (let k = Math.floor(random.between(1, 120)); k > 0; k -= 1) {
        const target = contacts[Math.floor(random.between(0, contacts.length))]!;
        target.properties = { ...target.properties, firstname: `Edited${clock}`, lastmodifieddate: new Date(tie ? clock : (clock += 7)).toISOString() };
      }
      for (let k = Math.floor(random.between(0, 20)); k > 0; k -= 1) contacts.push(contact(contacts.length + 1, (clock += 3)));
    };
    let plan = faultPlan(random);
    let searches = 0;
    // Edits during the last pull could come in only with the pull after it: the last one runs without.
    let editing = true;
    hubspot = await startFakeHubspot({
      token: TOKEN,
      contacts,
      deals,
      owners: [{ id: '101', email: 'priya@vidyacoaching.in' }],
      pipelines: [{ id: 'default', label: 'Sales', stages: [{ id: 'open', label: 'Open', metadata: { isClosed: 'false' } }] }],
      associations: {},
      faultForSearch: (n) => {
        searches = n;
        return plan.fault(n);
      },
      afterEachSearch: () => {
        if (editing && random.next() < 0.2) edit();
      },
    });
    const paths = dataPaths(tempDir('replywatch-crm-chaos-'));
    const pull = () => runCli(['--data', paths.root, 'ingest', 'crm', 'hubspot'], { HUBSPOT_TOKEN: TOKEN, HUBSPOT_BASE_URL: hubspot!.url, ...env });
    let failedPulls = 0;
    let passed = false;
    try {
      for (let round = 0; round < rounds && time.left(); round += 1) {
        plan = faultPlan(random);
        plan.start(searches);
        const result = await pull();
        figures.faultsInjected += plan.injected();
        if (result.code !== 0) {
          // Only an outage may stop a pull, and it says so in one line.
          expect(plan.outage, result.stderr).toBe(true);
          expect(result.stderr).toMatch(/^replywatch: HubSpot did not answer after 6 attempts: 503 Service Unavailable; the next pull resumes where this one stopped$/m);
          failedPulls += 1;
        }
        figures.repetitions += 1;
        edit();
      }
      // The APIs recover: one last pull brings everything up to date.
      plan = { ...faultPlan(random), fault: () => undefined };
      editing = false;
      const last = await pull();
      expect(last.code, last.stderr).toBe(0);

      const current = (objects: FakeObject[], property: string) => new Map(objects.map((object) => [object.id, Date.parse(object.properties[property]!)]));
      const people = await gapsAndDoubles(paths.raw, 'raw_crm_contacts', 'crm_contact_id', current(contacts, 'lastmodifieddate'));
      const sales = await gapsAndDoubles(paths.raw, 'raw_crm_deals', 'deal_id', current(deals, 'hs_lastmodifieddate'));
      figures.recordsChecked = contacts.length + deals.length;
      figures.lost = people.gaps.length + sales.gaps.length;
      figures.doubled = people.doubled.length + sales.doubled.length;
      figures.notes.push(`${failedPulls} of ${figures.repetitions} pulls stopped by an outage and resumed by the next; every contact's and deal's latest version in raw.duckdb, each version once`);
      expect(people, `seed ${SEED}`).toEqual({ gaps: [], doubled: [] });
      expect(sales, `seed ${SEED}`).toEqual({ gaps: [], doubled: [] });
      passed = true;
    } finally {
      figures.seconds = time.seconds();
      recordFigures('crm-hubspot', figures, passed);
    }
  });

  it('Zoho: timeouts, stalled bodies, 5xx, 429s, outages and edits during the pull; every version lands once', async () => {
    const rounds = repetitions(2, 30);
    const time = budget(300);
    const random = seededRandom(SEED + 1);
    const figures: FaultFigures = {
      fault: 'Zoho API: timeouts, stalled bodies, 5xx, 429 with Retry-After, outages, records edited during a pull',
      load: '500 leads (250 sharing one second) and 20 deals, edited and added between and during pulls',
      repetitions: 0, faultsInjected: 0, recordsChecked: 0, lost: 0, doubled: 0, notes: [], seed: SEED + 1, seconds: 0,
    };
    const second = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
    let clock = BASE + 3600_000;
    const lead = (n: number, at: number) => ({ id: String(4_000_000_000_000 + n), First_Name: `L${n}`, Last_Name: 'Chaos', Mobile: `98222${String(10000 + n)}`, Lead_Status: 'New', Created_Time: second(BASE), Modified_Time: second(at) });
    const leads = Array.from({ length: 500 }, (_, n) => lead(n, n < 250 ? BASE : BASE + n * 1000));
    const deals = Array.from({ length: 20 }, (_, n) => ({ id: String(6_000_000_000_000 + n), Deal_Name: `D${n}`, Amount: 1000, Stage: 'Qualification', Created_Time: second(BASE), Modified_Time: second(BASE + n * 1000) }));
    const modules = { Leads: leads, Contacts: [] as typeof leads, Deals: deals };
    const edit = (): void => {
      clock += Math.floor(random.between(1, 4)) * 1000;
      for (let k = Math.floor(random.between(1, 60)); k > 0; k -= 1) {
        Object.assign(leads[Math.floor(random.between(0, leads.length))]!, { First_Name: `Edited${clock}`, Modified_Time: second(clock) });
      }
      for (let k = Math.floor(random.between(0, 10)); k > 0; k -= 1) leads.push(lead(leads.length, clock));
    };
    let plan = faultPlan(random);
    let requests = 0;
    let editing = true;
    zoho = await startFakeZoho({
      ...ZOHO,
      modules,
      faultForRequest: (n) => {
        requests = n;
        return plan.fault(n);
      },
      afterEachRequest: () => {
        if (editing && random.next() < 0.2) edit();
      },
    });
    const paths = dataPaths(tempDir('replywatch-crm-chaos-'));
    const pull = () =>
      runCli(['--data', paths.root, 'ingest', 'crm', 'zoho'], {
        ZOHO_CLIENT_ID: ZOHO.clientId,
        ZOHO_CLIENT_SECRET: ZOHO.clientSecret,
        ZOHO_REFRESH_TOKEN: ZOHO.refreshToken,
        ZOHO_ACCOUNTS_URL: zoho!.url,
        ZOHO_API_URL: zoho!.url,
        ...env,
      });
    let failedPulls = 0;
    let passed = false;
    try {
      for (let round = 0; round < rounds && time.left(); round += 1) {
        plan = faultPlan(random);
        plan.start(requests);
        const result = await pull();
        figures.faultsInjected += plan.injected();
        if (result.code !== 0) {
          expect(plan.outage, result.stderr).toBe(true);
          expect(result.stderr).toMatch(/^replywatch: Zoho did not answer after 6 attempts: 503 Service Unavailable; the next pull resumes where this one stopped$/m);
          failedPulls += 1;
        }
        figures.repetitions += 1;
        edit();
      }
      plan = { ...faultPlan(random), fault: () => undefined };
      editing = false;
      const last = await pull();
      expect(last.code, last.stderr).toBe(0);

      const current = (records: Array<{ id: string; Modified_Time: string }>) => new Map(records.map((record) => [record.id, Date.parse(record.Modified_Time)]));
      const people = await gapsAndDoubles(paths.raw, 'raw_crm_contacts', 'crm_contact_id', current(leads));
      const sales = await gapsAndDoubles(paths.raw, 'raw_crm_deals', 'deal_id', current(deals));
      figures.recordsChecked = leads.length + deals.length;
      figures.lost = people.gaps.length + sales.gaps.length;
      figures.doubled = people.doubled.length + sales.doubled.length;
      figures.notes.push(`${failedPulls} of ${figures.repetitions} pulls stopped by an outage and resumed by the next; every lead's and deal's latest version in raw.duckdb, each version once`);
      expect(people, `seed ${SEED + 1}`).toEqual({ gaps: [], doubled: [] });
      expect(sales, `seed ${SEED + 1}`).toEqual({ gaps: [], doubled: [] });
      passed = true;
    } finally {
      figures.seconds = time.seconds();
      recordFigures('crm-zoho', figures, passed);
    }
  });
});
