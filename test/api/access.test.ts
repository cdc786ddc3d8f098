import type { LightMyRequestResponse } from 'fastify';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { buildScenario, CONTACTS, OPENED_AT, scenarioApp, type ScenarioApp } from './scenario/alert-scenario.ts';

/**
 * Scope leaks, tried for every kind of key over the real app and a real (small) warehouse: what a
 * key may not see must be indistinguishable from what does not exist, and what it may not do is 403.
 */

type Role = keyof ScenarioApp['as'];
/** Three hours after the prospects wrote: every first response has breached. */
const NOW = OPENED_AT + 3 * 3600_000;
const MISSING_ALERT = 'al_0123456789abcdef0123';
const MISSING_INQUIRY = 'ffffffffffffffffffff';

interface Clock {
  alert_id: string;
  kind: string;
  inquiry_id: string;
  team: string | null;
  owner_agent_id: string | null;
  assignee_agent_id: string | null;
}

let paths: DataPaths;
let scenario: ScenarioApp;
/** Every alert firing at NOW, from the model that defines them. */
let firing: Clock[];
/** Contact name (sales, support, unowned) → inquiry id. */
let inquiry: Record<keyof typeof CONTACTS, string>;
const extraApps: ScenarioApp[] = [];

beforeAll(async () => {
  paths = await buildScenario();
  scenario = await scenarioApp(paths);
  scenario.clock.set(NOW);
  const clocks = (await queryFile(
    paths.warehouse,
    `select alert_id, kind, inquiry_id, team, owner_agent_id, assignee_agent_id, fires_at from rpt_alert_clocks`,
  )) as unknown as Array<Clock & { fires_at: Date | null }>;
  // At-risk clocks stop once due (all are, at NOW): the breach speaks for them.
  firing = clocks.filter((clock) => clock.kind !== 'first_response_at_risk' && clock.fires_at !== null && clock.fires_at.getTime() <= NOW);
  const inquiries = await queryFile(paths.warehouse, 'select inquiry_id, contact_wa_id from fct_inquiries');
  inquiry = Object.fromEntries(
    Object.entries(CONTACTS).map(([name, contact]) => [name, String(inquiries.find((row) => row.contact_wa_id === contact.waId)!.inquiry_id)]),
  ) as Record<keyof typeof CONTACTS, string>;
  // The scenario must hold what the tests below lean on.
  expect(new Set(firing.map((clock) => clock.team))).toEqual(new Set(['sales', 'support']));
  expect(firing.some((clock) => clock.owner_agent_id === null && clock.assignee_agent_id === 'a_sales')).toBe(true);
});

afterEach(async () => {
  for (const extra of extraApps.splice(0)) await extra.app.close();
});

afterAll(async () => {
  await scenario?.app.close();
  if (paths) rmSync(paths.root, { recursive: true, force: true });
});

const get = (url: string, role?: Role, headers: Record<string, string> = {}) =>
  scenario.app.inject({ method: 'GET', url, headers: { ...(role ? scenario.as[role] : {}), ...headers } });
const post = (url: string, role: Role, payload?: object) =>
  scenario.app.inject({ method: 'POST', url, headers: scenario.as[role], ...(payload !== undefined ? { payload } : {}) });

const ids = (response: LightMyRequestResponse): string[] => (response.json().alerts as Array<{ id: string }>).map((alert) => alert.id).sort();
const alertIds = (clocks: Clock[]): string[] => clocks.map((clock) => clock.alert_id).sort();

function expectForbidden(response: LightMyRequestResponse): void {
  expect(response.statusCode).toBe(403);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.json()).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
}

/** The same status, type and body, once each answer's echo of the id it was asked about is blanked. */
function expectIndistinguishable(outside: LightMyRequestResponse, outsideId: string, missing: LightMyRequestResponse, missingId: string): void {
  expect(outside.statusCode).toBe(404);
  expect(missing.statusCode).toBe(404);
  expect(outside.headers['content-type']).toBe(missing.headers['content-type']);
  expect(outside.json().error.code).toBe('not_found');
  expect(outside.body.replaceAll(outsideId, '<id>')).toBe(missing.body.replaceAll(missingId, '<id>'));
}

const team = (clock: Clock, name: string) => clock.team === name;
const mine = (clock: Clock, agent: string) => clock.owner_agent_id === agent || clock.assignee_agent_id === agent;

/** What each scoped key must not reach, and what it must. */
const SCOPES: Record<'salesLead' | 'supportLead' | 'salesAgent' | 'supportAgent', { sees: (clock: Clock) => boolean; outsideInquiry: keyof typeof CONTACTS; insideInquiry: keyof typeof CONTACTS }> = {
  salesLead: { sees: (clock) => team(clock, 'sales'), outsideInquiry: 'support', insideInquiry: 'unowned' },
  supportLead: { sees: (clock) => team(clock, 'support'), outsideInquiry: 'sales', insideInquiry: 'support' },
  salesAgent: { sees: (clock) => mine(clock, 'a_sales'), outsideInquiry: 'support', insideInquiry: 'unowned' },
  supportAgent: { sees: (clock) => mine(clock, 'a_support'), outsideInquiry: 'unowned', insideInquiry: 'support' },
};
const SCOPED_ROLES = Object.keys(SCOPES) as Array<keyof typeof SCOPES>;

describe('keys', () => {
  it('refuses a request without Authorization: 401 JSON with WWW-Authenticate', async () => {
    const response = await get('/api/alerts');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect(response.body).not.toContain('al_');
  });

  it('refuses a wrong key with 401, saying nothing of the alerts', async () => {
    const response = await get('/api/alerts', undefined, { authorization: 'Bearer rw_this-is-not-a-key-anyone-was-given' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json().error.code).toBe('unauthorized');
    expect(response.body).not.toContain('al_');
  });

  it('answers an unknown /api path 401 without a key (not 404), and 404 JSON with one', async () => {
    const anonymous = await get('/api/no-such-thing');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('unauthorized');
    // Same answer as for a route that exists: a caller without a key cannot map the API.
    expect(anonymous.body).toBe((await get('/api/alerts')).body);

    const known = await get('/api/no-such-thing', 'owner');
    expect(known.statusCode).toBe(404);
    expect(known.headers['content-type']).toMatch(/^application\/json/);
    expect(known.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});

describe('alert lists by role', () => {
  it('shows owners and analysts every firing alert', async () => {
    for (const role of ['owner', 'analyst'] as const) {
      const response = await get('/api/alerts', role);
      expect(response.statusCode, role).toBe(200);
      expect(ids(response), role).toEqual(alertIds(firing));
    }
  });

  it("shows a supervisor their team's alerts only", async () => {
    for (const [role, name] of [['salesLead', 'sales'], ['supportLead', 'support']] as const) {
      const response = await get('/api/alerts', role);
      expect(response.statusCode, role).toBe(200);
      const expected = firing.filter((clock) => clock.team === name);
      expect(expected.length).toBeGreaterThan(0);
      expect(ids(response), role).toEqual(alertIds(expected));
      for (const alert of response.json().alerts) expect(alert.team, role).toBe(name);
    }
  });

  it('shows an agent the alerts they own or are assigned, the unowned inquiry in their queue included', async () => {
    for (const [role, agent] of [['salesAgent', 'a_sales'], ['supportAgent', 'a_support']] as const) {
      const response = await get('/api/alerts', role);
      expect(response.statusCode, role).toBe(200);
      expect(ids(response), role).toEqual(alertIds(firing.filter((clock) => mine(clock, agent))));
      for (const alert of response.json().alerts) expect([alert.owner_agent_id, alert.assignee_agent_id], role).toContain(agent);
    }
    expect((await get('/api/alerts', 'salesAgent')).json().alerts.map((alert: { inquiry_id: string }) => alert.inquiry_id)).toContain(inquiry.unowned);
  });

  it('streams a supervisor the same scoped snapshot over Server-Sent Events', async () => {
    const extra = await scenarioApp(paths);
    extraApps.push(extra);
    extra.clock.set(NOW);
    await extra.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = extra.app.server.address() as AddressInfo;
    for (const [role, name] of [['salesLead', 'sales'], ['supportLead', 'support']] as const) {
      const abort = new AbortController();
      const response = await fetch(`http://127.0.0.1:${port}/api/alerts/stream`, { headers: extra.as[role], signal: abort.signal });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes('\n\n')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      abort.abort();
      await reader.cancel().catch(() => undefined);
      const event = text.split('\n\n')[0]!;
      expect(event).toMatch(/^id: 1\nevent: snapshot\ndata: /);
      const snapshot = JSON.parse(event.split('\ndata: ')[1]!) as { alerts: Array<{ id: string; team: string }> };
      expect(snapshot.alerts.map((alert) => alert.id).sort(), role).toEqual(alertIds(firing.filter((clock) => clock.team === name)));
    }
  });
});

describe('ids outside the scope answer exactly like ids that do not exist', () => {
  for (const role of SCOPED_ROLES) {
    it(`${role}: GET /api/alerts/:id`, async () => {
      const outside = firing.find((clock) => !SCOPES[role].sees(clock))!;
      const inside = firing.find((clock) => SCOPES[role].sees(clock))!;
      expect(outside).toBeDefined();
      expect((await get(`/api/alerts/${inside.alert_id}`, role)).statusCode).toBe(200);
      expectIndistinguishable(
        await get(`/api/alerts/${outside.alert_id}`, role),
        outside.alert_id,
        await get(`/api/alerts/${MISSING_ALERT}`, role),
        MISSING_ALERT,
      );
    });

    it(`${role}: POST /api/alerts/:id/ack, which leaves the alert unacknowledged`, async () => {
      const outside = firing.find((clock) => !SCOPES[role].sees(clock))!;
      expectIndistinguishable(
        await post(`/api/alerts/${outside.alert_id}/ack`, role, { comment: 'on it' }),
        outside.alert_id,
        await post(`/api/alerts/${MISSING_ALERT}/ack`, role, { comment: 'on it' }),
        MISSING_ALERT,
      );
      const seen = (await get(`/api/alerts/${outside.alert_id}`, 'owner')).json();
      expect(seen.status).toBe('firing');
      expect(seen.acknowledged_by).toBeNull();
    });

    it(`${role}: GET /api/inquiries/:id`, async () => {
      const { outsideInquiry, insideInquiry } = SCOPES[role];
      const inside = await get(`/api/inquiries/${inquiry[insideInquiry]}`, role);
      expect(inside.statusCode).toBe(200);
      expect(inside.json().inquiry.inquiry_id).toBe(inquiry[insideInquiry]);
      const outsideId = inquiry[outsideInquiry];
      const outside = await get(`/api/inquiries/${outsideId}`, role);
      expectIndistinguishable(outside, outsideId, await get(`/api/inquiries/${MISSING_INQUIRY}`, role), MISSING_INQUIRY);
      // Nothing about the contact comes back either.
      expect(outside.body).not.toContain(CONTACTS[outsideInquiry].name);
      expect(outside.body).not.toContain(CONTACTS[outsideInquiry].waId);
    });

    it(`${role}: ?inquiry_id= of an inquiry outside the scope lists nothing, like one that does not exist`, async () => {
      const outsideId = inquiry[SCOPES[role].outsideInquiry];
      for (const path of ['/api/alerts', '/api/queue']) {
        const outside = await get(`${path}?inquiry_id=${outsideId}`, role);
        const missing = await get(`${path}?inquiry_id=${MISSING_INQUIRY}`, role);
        expect(outside.statusCode, path).toBe(200);
        const list = (response: LightMyRequestResponse) => response.json()[path === '/api/alerts' ? 'alerts' : 'items'];
        expect(list(outside), path).toEqual([]);
        expect(list(missing), path).toEqual([]);
      }
    });
  }
});

describe('filters outside the scope are refused', () => {
  it("refuses a supervisor another team's alerts and queue (403), and allows their own", async () => {
    expectForbidden(await get('/api/alerts?team=support', 'salesLead'));
    expectForbidden(await get('/api/queue?team=support', 'salesLead'));
    expectForbidden(await get('/api/alerts?team=sales', 'supportLead'));
    expect((await get('/api/alerts?team=sales', 'salesLead')).statusCode).toBe(200);
    expect((await get('/api/queue?team=sales', 'salesLead')).statusCode).toBe(200);
  });

  it("refuses an agent another agent's alerts, queue and health (403), and allows their own", async () => {
    expectForbidden(await get('/api/alerts?agent=a_support', 'salesAgent'));
    expectForbidden(await get('/api/queue?assignee=a_support', 'salesAgent'));
    expectForbidden(await get('/api/health/weekly?agent=a_sales', 'supportAgent'));
    expect((await get('/api/alerts?agent=a_sales', 'salesAgent')).statusCode).toBe(200);
    expect((await get('/api/queue?assignee=a_sales', 'salesAgent')).statusCode).toBe(200);
  });
});

describe('role limits', () => {
  it('refuses an analyst an acknowledgement (403) and leaves the alert firing', async () => {
    const target = firing[0]!;
    expectForbidden(await post(`/api/alerts/${target.alert_id}/ack`, 'analyst', { comment: 'seen' }));
    const seen = (await get(`/api/alerts/${target.alert_id}`, 'owner')).json();
    expect(seen.status).toBe('firing');
    expect(seen.acknowledged_by).toBeNull();
  });

  it('keeps the marts from agents and supervisors (403)', async () => {
    for (const role of ['salesLead', 'supportLead', 'salesAgent', 'supportAgent'] as const) {
      const mart = await get('/api/marts/fct_inquiries', role);
      expectForbidden(mart);
      expect(mart.body).not.toContain(inquiry.sales);
      expectForbidden(await get('/api/marts/fct_inquiries', role, { accept: 'application/vnd.apache.arrow.stream' }));
      expectForbidden(await get('/api/marts', role));
    }
    expect((await get('/api/marts/fct_inquiries', 'analyst')).statusCode).toBe(200);
  });

  it('refuses an agent a silence (403) and creates none', async () => {
    for (const role of ['salesAgent', 'supportAgent'] as const) {
      expectForbidden(
        await post('/api/silences', role, { matchers: { kind: 'missing_disposition' }, ends_at: new Date(NOW + 3600_000).toISOString(), comment: 'quiet please' }),
      );
    }
    const silences = (await get('/api/silences', 'owner')).json().silences as Array<{ comment: string | null }>;
    expect(silences.filter((silence) => silence.comment === 'quiet please')).toEqual([]);
  });

  it('shows the notification log to owners only', async () => {
    expect((await get('/api/notifications', 'owner')).statusCode).toBe(200);
    for (const role of ['analyst', 'salesLead', 'supportLead', 'salesAgent', 'supportAgent'] as const) expectForbidden(await get('/api/notifications', role));
  });

  it("binds a supervisor's silence to their team, and refuses them another team's", async () => {
    const endsAt = new Date(NOW + 3600_000).toISOString();
    // A matcher no alert of the scenario meets, so the other tests' alerts keep firing.
    const created = await post('/api/silences', 'salesLead', { matchers: { kind: 'missing_disposition' }, ends_at: endsAt, comment: 'sales lead' });
    expect(created.statusCode).toBe(201);
    expect(created.json().matchers).toEqual({ kind: 'missing_disposition', team: 'sales' });

    const other = await post('/api/silences', 'salesLead', { matchers: { kind: 'missing_disposition', team: 'support' }, ends_at: endsAt, comment: 'not mine' });
    expectForbidden(other);
    const all = (await get('/api/silences', 'owner')).json().silences as Array<{ comment: string | null }>;
    expect(all.filter((silence) => silence.comment === 'not mine')).toEqual([]);
  });

  it("hides other teams' silences from supervisors, and keeps them from ending them", async () => {
    const endsAt = new Date(NOW + 3600_000).toISOString();
    const support = await post('/api/silences', 'owner', { matchers: { kind: 'missing_disposition', team: 'support' }, ends_at: endsAt, comment: 'support, by owner' });
    expect(support.statusCode).toBe(201);
    const sales = await post('/api/silences', 'salesLead', { matchers: { kind: 'missing_disposition' }, ends_at: endsAt, comment: 'sales, by lead' });
    expect(sales.statusCode).toBe(201);

    const seenBy = async (role: Role) => ((await get('/api/silences', role)).json().silences as Array<{ id: string }>).map((silence) => silence.id);
    expect(await seenBy('salesLead')).toContain(sales.json().id);
    expect(await seenBy('salesLead')).not.toContain(support.json().id);
    expect(await seenBy('supportLead')).toContain(support.json().id);
    expect(await seenBy('supportLead')).not.toContain(sales.json().id);
    for (const silence of ((await get('/api/silences', 'supportLead')).json().silences as Array<{ matchers: { team?: string } }>)) {
      expect(silence.matchers.team).toBe('support');
    }

    const ended = await scenario.app.inject({ method: 'DELETE', url: `/api/silences/${support.json().id}`, headers: scenario.as.salesLead });
    expect(ended.statusCode).toBe(404);
    const stillThere = ((await get('/api/silences', 'owner')).json().silences as Array<{ id: string; expired_at: string | null }>).find(
      (silence) => silence.id === support.json().id,
    );
    expect(stillThere?.expired_at).toBeNull();
  });
});

describe('queue and health are scoped', () => {
  it("gives a supervisor their team's queue only", async () => {
    const response = await get('/api/queue', 'salesLead');
    expect(response.statusCode).toBe(200);
    const items = response.json().items as Array<{ team: string; inquiry_id: string }>;
    expect(items.map((item) => item.inquiry_id).sort()).toEqual([inquiry.sales, inquiry.unowned].sort());
    for (const item of items) expect(item.team).toBe('sales');
  });

  it("gives an agent the queue items they own or are assigned only", async () => {
    const response = await get('/api/queue', 'supportAgent');
    expect(response.statusCode).toBe(200);
    const items = response.json().items as Array<{ owner_agent_id: string | null; assignee_agent_id: string | null; inquiry_id: string }>;
    expect(items.map((item) => item.inquiry_id)).toEqual([inquiry.support]);
    for (const item of items) expect([item.owner_agent_id, item.assignee_agent_id]).toContain('a_support');
  });

  it("gives a supervisor weekly health of their team's people only, never the business-wide rows", async () => {
    const salesPeople = (await queryFile(paths.warehouse, `select agent_id from dim_agents where team = 'sales'`)).map((row) => String(row.agent_id));
    const response = await get('/api/health/weekly', 'salesLead');
    expect(response.statusCode).toBe(200);
    const rows = response.json().rows as Array<{ agent_id: string }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.agent_id).not.toBe('all');
      expect(salesPeople).toContain(row.agent_id);
    }
    // The owner does see the business-wide rows, so the absence above is the scope's doing.
    expect(((await get('/api/health/weekly', 'owner')).json().rows as Array<{ agent_id: string }>).some((row) => row.agent_id === 'all')).toBe(true);
  });

  it('gives an agent their own weekly health only', async () => {
    const response = await get('/api/health/weekly', 'supportAgent');
    expect(response.statusCode).toBe(200);
    const rows = response.json().rows as Array<{ agent_id: string }>;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.agent_id).toBe('a_support');
  });
});
