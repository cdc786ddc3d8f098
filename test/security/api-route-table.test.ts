import type { FastifyInstance } from 'fastify';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { createGroupCommitAppender } from '../../ingest/landing/group-commit-appender.ts';
import { createKey, revokeKey } from '../../lib/api-keys.ts';
import { loadConfig } from '../../lib/config.ts';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { processLease } from '../../lib/process-lease.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET, VERIFY_TOKEN, fixtureLines } from '../helpers/webhook-app.ts';

/**
 * Every route the app registers, tried with every kind of caller: no key, a malformed header, a
 * wrong key, a revoked key, a key of each role, and scoped keys reaching outside their team or
 * their own work. The routes come from the app itself (an onRoute hook), and a route without a
 * rule in the table below fails the first test: nothing new can be added without saying who may
 * use it.
 */

/** Every route the app registers, as the app registers it. */
const registered = vi.hoisted(() => [] as string[]);
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fastify')>();
  const fastify = ((options?: object) => {
    const app = actual.default(options);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push(`${method} ${route.url}`);
    });
    return app;
  }) as unknown as typeof actual.default;
  return { ...actual, default: fastify, fastify };
});

const NOW = Date.parse(process.env.REPLYWATCH_NOW!);
const MISSING = { alert: 'al_0123456789abcdef0123', inquiry: 'ffffffffffffffffffff', silence: 'sil_000000000000' };

type Role = 'owner' | 'analyst' | 'supervisor' | 'agent';
const ROLES: Role[] = ['owner', 'analyst', 'supervisor', 'agent'];
type Refused = 'no key' | 'malformed header' | 'wrong key' | 'revoked key';
const REFUSED: Refused[] = ['no key', 'malformed header', 'wrong key', 'revoked key'];

interface Try {
  path: string;
  body?: unknown;
}
/** What a scoped key gets for something outside its scope: a 403, an answer with nothing in it, or a 404 like a missing id's. */
type Outside =
  | { try: Try; status: 403 }
  | { try: Try; status: 200; empty: (body: Record<string, unknown>) => unknown[] }
  | { try: Try; likeMissing: Try; id: string; missingId: string };

interface Ids {
  team: string;
  otherTeam: string;
  agent: string;
  otherTeamAgent: string;
  alert: string;
  otherAlert: string;
  inquiry: string;
  otherInquiry: string;
  teamAgents: string[];
}

interface Rule {
  /** Status for each role's key; public routes answer the same whatever the key. */
  status: Record<Role, number> | { public: number };
  request: (who: Role | 'anyone') => Try | Promise<Try>;
  outside?: (who: 'supervisor' | 'agent') => Outside | Promise<Outside>;
  /** For a scoped key's 200: everything in the answer lies within its scope. */
  scoped?: (body: Record<string, unknown>, who: 'supervisor' | 'agent') => void;
}

const everyone = (status: number): Record<Role, number> => ({ owner: status, analyst: status, supervisor: status, agent: status });
const only = (roles: Role[], status = 200): Record<Role, number> =>
  Object.fromEntries(ROLES.map((role) => [role, roles.includes(role) ? status : 403])) as Record<Role, number>;

let app: FastifyInstance;
let base: string;
let paths: DataPaths;
let ids: Ids;
const auth = {} as Record<Role | Refused, string | undefined>;
const keyIds = {} as Record<Role, string>;
/** A silence of the supervisor's team, made by the owner, for refused DELETEs to aim at. */
let teamSilence: string;

interface Answer {
  status: number;
  type: string;
  wwwAuthenticate: string | null;
  text: string;
}

/** One request over loopback HTTP; an event stream is read to its first event, then dropped. */
async function send(method: string, path: string, authorization: string | undefined, body?: unknown): Promise<Answer> {
  const abort = new AbortController();
  // A route that never answers is a failure to report, not a test that hangs.
  const timer = setTimeout(() => abort.abort(), 10_000);
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      signal: abort.signal,
    });
    const type = response.headers.get('content-type') ?? '';
    let text = '';
    if (type.startsWith('text/event-stream')) {
      if (method !== 'HEAD') {
        const reader = response.body!.getReader();
        while (!text.includes('\n\n')) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      }
      abort.abort();
    } else {
      text = await response.text();
    }
    return { status: response.status, type, wwwAuthenticate: response.headers.get('www-authenticate'), text };
  } catch (error) {
    return { status: 0, type: '', wwwAuthenticate: null, text: `no answer within 10 s (${(error as Error).name})` };
  } finally {
    clearTimeout(timer);
  }
}

const json = (answer: Answer): Record<string, unknown> => JSON.parse(answer.text) as Record<string, unknown>;
/** The data of an event stream's first event, or the JSON body. */
const bodyOf = (answer: Answer): Record<string, unknown> =>
  answer.type.startsWith('text/event-stream') ? (JSON.parse(answer.text.split('\ndata: ')[1]!.split('\n')[0]!) as Record<string, unknown>) : json(answer);

const asOwner = (method: string, path: string, body?: unknown) => app.inject({ method: method as 'POST', url: path, headers: { authorization: auth.owner! }, ...(body ? { payload: body as object } : {}) });

async function silenceOf(team: string): Promise<string> {
  const response = await asOwner('POST', '/api/silences', {
    matchers: { kind: 'missing_disposition', team, inquiry_id: MISSING.inquiry },
    ends_at: new Date(NOW + 3600_000).toISOString(),
    comment: 'route table',
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { id: string }).id;
}

type Alert = { id: string; team: string | null; owner_agent_id: string | null; assignee_agent_id: string | null; inquiry_id: string };
type QueueItem = { team: string | null; owner_agent_id: string | null; assignee_agent_id: string | null; inquiry_id: string };
const alertsIn = (body: Record<string, unknown>) => body.alerts as Alert[];
const isMine = (item: { owner_agent_id: string | null; assignee_agent_id: string | null }, agent: string) =>
  item.owner_agent_id === agent || item.assignee_agent_id === agent;

/** Who may do what, route by route. The keys are the app's own route table entries. */
function rules(): Record<string, Rule> {
  const webhookBody = fixtureLines('every-message-type.ndjson')[0]!;
  const scopedAlerts: Rule['scoped'] = (body, who) => {
    for (const alert of alertsIn(body)) {
      if (who === 'supervisor') expect(alert.team).toBe(ids.team);
      else expect(isMine(alert, ids.agent)).toBe(true);
    }
  };
  return {
    // Unknown /api paths: 401 before 404, so a caller without a key cannot map the API.
    'GET /api': { status: everyone(404), request: () => ({ path: '/api' }) },
    'GET /api/': { status: everyone(404), request: () => ({ path: '/api/' }) },
    'GET /api/*': { status: everyone(404), request: () => ({ path: '/api/no-such-route' }) },
    'GET /api/openapi.json': { status: everyone(200), request: () => ({ path: '/api/openapi.json' }) },
    'GET /api/alerts': {
      status: everyone(200),
      request: () => ({ path: '/api/alerts' }),
      outside: (who) => ({ try: { path: who === 'supervisor' ? `/api/alerts?team=${ids.otherTeam}` : `/api/alerts?agent=${ids.otherTeamAgent}` }, status: 403 }),
      scoped: scopedAlerts,
    },
    'GET /api/alerts/stream': {
      status: everyone(200),
      request: () => ({ path: '/api/alerts/stream' }),
      scoped: scopedAlerts,
    },
    'GET /api/alerts/:id': {
      status: everyone(200),
      request: () => ({ path: `/api/alerts/${ids.alert}` }),
      outside: () => ({ try: { path: `/api/alerts/${ids.otherAlert}` }, likeMissing: { path: `/api/alerts/${MISSING.alert}` }, id: ids.otherAlert, missingId: MISSING.alert }),
    },
    'POST /api/alerts/:id/ack': {
      status: only(['owner', 'supervisor', 'agent']),
      request: () => ({ path: `/api/alerts/${ids.alert}/ack`, body: { comment: 'route table' } }),
      outside: () => ({
        try: { path: `/api/alerts/${ids.otherAlert}/ack`, body: { comment: 'route table' } },
        likeMissing: { path: `/api/alerts/${MISSING.alert}/ack`, body: { comment: 'route table' } },
        id: ids.otherAlert,
        missingId: MISSING.alert,
      }),
    },
    'POST /api/alerts/:id/snooze': {
      status: only(['owner', 'supervisor', 'agent']),
      request: () => ({ path: `/api/alerts/${ids.alert}/snooze`, body: { until: new Date(NOW + 3600_000).toISOString() } }),
      outside: () => ({
        try: { path: `/api/alerts/${ids.otherAlert}/snooze`, body: { until: new Date(NOW + 3600_000).toISOString() } },
        likeMissing: { path: `/api/alerts/${MISSING.alert}/snooze`, body: { until: new Date(NOW + 3600_000).toISOString() } },
        id: ids.otherAlert,
        missingId: MISSING.alert,
      }),
    },
    'GET /api/silences': {
      status: only(['owner', 'analyst', 'supervisor']),
      request: () => ({ path: '/api/silences' }),
      scoped: (body) => {
        for (const silence of body.silences as Array<{ matchers: { team?: string } }>) expect(silence.matchers.team).toBe(ids.team);
      },
    },
    'POST /api/silences': {
      status: only(['owner', 'supervisor'], 201),
      request: () => ({
        path: '/api/silences',
        body: { matchers: { kind: 'missing_disposition', inquiry_id: MISSING.inquiry }, ends_at: new Date(NOW + 3600_000).toISOString(), comment: 'route table' },
      }),
      outside: () => ({
        try: {
          path: '/api/silences',
          body: { matchers: { kind: 'missing_disposition', team: ids.otherTeam }, ends_at: new Date(NOW + 3600_000).toISOString(), comment: 'route table' },
        },
        status: 403,
      }),
    },
    'DELETE /api/silences/:id': {
      status: only(['owner', 'supervisor']),
      // Refused callers aim at one standing silence; each allowed one ends a fresh one.
      request: async (who) => ({ path: `/api/silences/${who === 'anyone' || only(['owner', 'supervisor'])[who] !== 200 ? teamSilence : await silenceOf(ids.team)}` }),
      outside: async () => {
        const other = await silenceOf(ids.otherTeam);
        return { try: { path: `/api/silences/${other}` }, likeMissing: { path: `/api/silences/${MISSING.silence}` }, id: other, missingId: MISSING.silence };
      },
    },
    'GET /api/queue': {
      status: everyone(200),
      request: () => ({ path: '/api/queue' }),
      outside: (who) => ({ try: { path: who === 'supervisor' ? `/api/queue?team=${ids.otherTeam}` : `/api/queue?assignee=${ids.otherTeamAgent}` }, status: 403 }),
      scoped: (body, who) => {
        for (const item of body.items as QueueItem[]) {
          if (who === 'supervisor') expect(item.team).toBe(ids.team);
          else expect(isMine(item, ids.agent)).toBe(true);
        }
      },
    },
    'GET /api/inquiries/:id': {
      status: everyone(200),
      request: () => ({ path: `/api/inquiries/${ids.inquiry}` }),
      outside: () => ({
        try: { path: `/api/inquiries/${ids.otherInquiry}` },
        likeMissing: { path: `/api/inquiries/${MISSING.inquiry}` },
        id: ids.otherInquiry,
        missingId: MISSING.inquiry,
      }),
    },
    'GET /api/health/weekly': {
      status: everyone(200),
      request: () => ({ path: '/api/health/weekly' }),
      // An agent asking for someone else is refused; a supervisor asking for another team's person gets nothing.
      outside: (who) =>
        who === 'agent'
          ? { try: { path: `/api/health/weekly?agent=${ids.otherTeamAgent}` }, status: 403 }
          : { try: { path: `/api/health/weekly?agent=${ids.otherTeamAgent}` }, status: 200, empty: (body) => body.rows as unknown[] },
      scoped: (body, who) => {
        const rows = body.rows as Array<{ agent_id: string }>;
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(who === 'supervisor' ? ids.teamAgents : [ids.agent]).toContain(row.agent_id);
      },
    },
    'GET /api/marts': { status: only(['owner', 'analyst']), request: () => ({ path: '/api/marts' }) },
    'GET /api/marts/:name': { status: only(['owner', 'analyst']), request: () => ({ path: '/api/marts/dim_agents' }) },
    'GET /api/notifications': { status: only(['owner']), request: () => ({ path: '/api/notifications' }) },

    // Outside /api: open to all, and an API key opens nothing more there.
    'GET /healthz': { status: { public: 200 }, request: () => ({ path: '/healthz' }) },
    'GET /readyz': { status: { public: 200 }, request: () => ({ path: '/readyz' }) },
    'GET /webhooks/whatsapp': { status: { public: 403 }, request: () => ({ path: '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1' }) },
    'POST /webhooks/whatsapp': { status: { public: 401 }, request: () => ({ path: '/webhooks/whatsapp', body: webhookBody }) },
    'GET /webhooks': { status: { public: 404 }, request: () => ({ path: '/webhooks' }) },
    'GET /webhooks/*': { status: { public: 404 }, request: () => ({ path: '/webhooks/other' }) },
    // The dashboard site, not built in this data directory.
    'GET /*': { status: { public: 404 }, request: () => ({ path: '/team' }) },
  };
}

/** The rule of a registered route; HEAD routes are their GET's. */
function ruleOf(route: string): { method: string; rule: Rule | undefined } {
  const [method, url] = route.split(' ') as [string, string];
  return { method, rule: RULES[method === 'HEAD' ? `GET ${url}` : route] };
}

let RULES: Record<string, Rule>;

beforeAll(async () => {
  // A copy of the shared warehouse: acknowledgements, silences and keys are written beside it.
  paths = dataPaths(tempDir('replywatch-routes-'));
  cpSync(join(inject('builtDataDir'), 'warehouse.duckdb'), paths.warehouse);
  const config = loadConfig({
    env: { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN },
    overrides: { api: { rateLimitPerMinute: 1_000_000, staleAfterSeconds: 1_000_000_000 } },
  });
  app = await buildApp({
    config,
    paths,
    whatsappLanding: createGroupCommitAppender(join(paths.landing, 'whatsapp'), processLease(paths.leases)),
    now: () => new Date(NOW),
    dashboardDir: tempDir('replywatch-no-site-'),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const key = (request: Parameters<typeof createKey>[1]) => createKey(paths.state, request);
  const owner = key({ role: 'owner' });
  auth.owner = `Bearer ${owner.key}`;
  keyIds.owner = owner.record.id;

  // The supervisor's team and agent: an agent with work in both the alerts and the queue, and another team with some too.
  const alerts = (await asOwner('GET', '/api/alerts?limit=500')).json().alerts as Alert[];
  const queue = (await asOwner('GET', '/api/queue?limit=500')).json().items as QueueItem[];
  const agents = (await asOwner('GET', '/api/marts/dim_agents')).json().rows as Array<{ agent_id: string; team: string }>;
  const candidate = agents.find(
    (agent) =>
      alerts.some((alert) => alert.team === agent.team && isMine(alert, agent.agent_id)) &&
      queue.some((item) => item.team === agent.team && isMine(item, agent.agent_id)) &&
      alerts.some((alert) => alert.team !== null && alert.team !== agent.team && !isMine(alert, agent.agent_id)) &&
      queue.some((item) => item.team !== null && item.team !== agent.team && !isMine(item, agent.agent_id)),
  );
  expect(candidate, 'the demo warehouse has an agent with alerts and queue items, and another team with some').toBeDefined();
  const { team, agent_id: agent } = candidate!;
  const otherAlert = alerts.find((alert) => alert.team !== null && alert.team !== team && !isMine(alert, agent))!;
  ids = {
    team,
    otherTeam: otherAlert.team!,
    agent,
    otherTeamAgent: agents.find((other) => other.team === otherAlert.team)!.agent_id,
    alert: alerts.find((alert) => alert.team === team && isMine(alert, agent))!.id,
    otherAlert: otherAlert.id,
    inquiry: queue.find((item) => item.team === team && isMine(item, agent))!.inquiry_id,
    otherInquiry: queue.find((item) => item.team !== null && item.team !== team && !isMine(item, agent))!.inquiry_id,
    teamAgents: agents.filter((other) => other.team === team).map((other) => other.agent_id),
  };

  for (const [role, request] of [
    ['analyst', { role: 'analyst' }],
    ['supervisor', { role: 'supervisor', team }],
    ['agent', { role: 'agent', agentId: agent }],
  ] as const) {
    const made = key(request);
    auth[role] = `Bearer ${made.key}`;
    keyIds[role] = made.record.id;
  }
  const revoked = key({ role: 'owner', name: 'left the company' });
  revokeKey(paths.state, revoked.record.id);
  auth['revoked key'] = `Bearer ${revoked.key}`;
  auth['wrong key'] = `Bearer rw_${'A'.repeat(43)}`;
  auth['malformed header'] = `Basic ${Buffer.from(`owner:${owner.key}`).toString('base64')}`;
  auth['no key'] = undefined;
  teamSilence = await silenceOf(team);
  RULES = rules();
});

afterAll(async () => {
  await app?.close();
});

describe('the route table', () => {
  it('has an access rule for every route the app registers, and no rule for a route that is gone', () => {
    const routes = [...new Set(registered)];
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter((route) => !ruleOf(route).rule);
    expect(missing, 'routes without a rule: say who may use them in rules()').toEqual([]);
    const ruled = new Set(routes.map((route) => (route.startsWith('HEAD ') ? `GET ${route.slice(5)}` : route)));
    expect(Object.keys(RULES).filter((route) => !ruled.has(route))).toEqual([]);
  });
});

describe('callers refused on every route', () => {
  it('answers every /api route 401 alike without a key, with a malformed header, a wrong key or a revoked key', async () => {
    const failures: string[] = [];
    const bodies = new Map<string, Set<string>>();
    for (const route of new Set(registered)) {
      const { method, rule } = ruleOf(route);
      if (!rule || 'public' in rule.status) continue;
      const { path, body } = await rule.request('anyone');
      for (const kind of REFUSED) {
        const answer = await send(method, path, auth[kind], body);
        const where = `${route} with ${kind}`;
        if (answer.status !== 401) failures.push(`${where}: ${answer.status}`);
        if (answer.wwwAuthenticate !== 'Bearer') failures.push(`${where}: WWW-Authenticate ${answer.wwwAuthenticate}`);
        if (method === 'HEAD') continue;
        const error = json(answer).error as { code?: string } | undefined;
        if (error?.code !== 'unauthorized' || Object.keys(json(answer)).length !== 1) failures.push(`${where}: ${answer.text}`);
        const family = kind === 'no key' ? 'no key' : 'refused key';
        if (!bodies.has(family)) bodies.set(family, new Set());
        bodies.get(family)!.add(answer.text);
      }
    }
    expect(failures).toEqual([]);
    // One answer for every route and every refused key: nothing tells which routes exist or which keys once did.
    expect(bodies.get('no key')?.size).toBe(1);
    expect(bodies.get('refused key')?.size).toBe(1);
  });

  it('answers /api paths and methods that do not exist 401 without a key, like the ones that do, and 404 with one', async () => {
    const failures: string[] = [];
    const apiUrls = [...new Set([...registered].filter((route) => route.includes(' /api/')).map((route) => route.split(' ')[1]!))];
    for (const url of apiUrls) {
      const path = url.replace(':id', 'x').replace(':name', 'x').replace('*', 'nothing');
      for (const method of ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST']) {
        if (registered.includes(`${method} ${url}`)) continue;
        const anonymous = await send(method, path, undefined);
        if (anonymous.status !== 401) failures.push(`${method} ${path} without a key: ${anonymous.status}`);
        const owner = await send(method, path, auth.owner);
        if (owner.status !== 404) failures.push(`${method} ${path} as owner: ${owner.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("refuses (403) each role the routes it may not use, with nothing in the answer but the error", async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const route of new Set(registered)) {
      const { method, rule } = ruleOf(route);
      if (!rule || 'public' in rule.status) continue;
      for (const role of ROLES) {
        if (rule.status[role] !== 403) continue;
        tried += 1;
        const { path, body } = await rule.request(role);
        const answer = await send(method, path, auth[role], body);
        if (answer.status !== 403) failures.push(`${route} as ${role}: ${answer.status}`);
        else if (method !== 'HEAD') {
          const parsed = json(answer);
          if (Object.keys(parsed).length !== 1 || (parsed.error as { code: string }).code !== 'forbidden') failures.push(`${route} as ${role}: ${answer.text}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(10);
  });

  it('answers what lies outside a supervisor or agent key with 403, an empty answer, or a 404 exactly like a missing id', async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const route of new Set(registered)) {
      const { method, rule } = ruleOf(route);
      if (!rule?.outside) continue;
      for (const who of ['supervisor', 'agent'] as const) {
        if ('public' in rule.status || rule.status[who] === 403) continue;
        tried += 1;
        const outside = await rule.outside(who);
        const answer = await send(method, outside.try.path, auth[who], outside.try.body);
        const where = `${route} as ${who}, outside the scope`;
        if ('likeMissing' in outside) {
          const missing = await send(method, outside.likeMissing.path, auth[who], outside.likeMissing.body);
          if (answer.status !== 404 || missing.status !== 404) failures.push(`${where}: ${answer.status}, missing id ${missing.status}`);
          if (answer.type !== missing.type) failures.push(`${where}: content type ${answer.type} vs ${missing.type}`);
          if (answer.text.replaceAll(outside.id, '<id>') !== missing.text.replaceAll(outside.missingId, '<id>')) failures.push(`${where}: ${answer.text} vs ${missing.text}`);
        } else if (answer.status !== outside.status) {
          failures.push(`${where}: ${answer.status}`);
        } else if ('empty' in outside && method !== 'HEAD' && outside.empty(json(answer)).length !== 0) {
          failures.push(`${where}: ${answer.text.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(15);
  });

  it('changed nothing for any caller it refused: no acknowledgement, snooze or ended silence', () => {
    const journal = join(paths.state, 'alerts.ndjson');
    expect(existsSync(journal)).toBe(true);
    const events = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; silence?: { created_by: string } });
    // Only the silences the owner set up for these tests.
    expect(events.map((event) => event.type)).toEqual(events.map(() => 'silence'));
    for (const event of events) expect(event.silence!.created_by).toMatch(new RegExp(`^${keyIds.owner} `));
  });
});

describe('callers let through on every route', () => {
  it('gives each role its answer on every route it may use, scoped to its team or its own work', async () => {
    const failures: string[] = [];
    let tried = 0;
    for (const route of new Set(registered)) {
      const { method, rule } = ruleOf(route);
      if (!rule || 'public' in rule.status) continue;
      for (const role of ROLES) {
        const status = rule.status[role];
        if (status === 403) continue;
        tried += 1;
        const { path, body } = await rule.request(role);
        const answer = await send(method, path, auth[role], body);
        if (answer.status !== status) {
          failures.push(`${route} as ${role}: ${answer.status} ${answer.text.slice(0, 200)}`);
          continue;
        }
        if (method === 'HEAD' || status === 404 || !rule.scoped || (role !== 'supervisor' && role !== 'agent')) continue;
        try {
          rule.scoped(bodyOf(answer), role);
        } catch (error) {
          failures.push(`${route} as ${role}: ${(error as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(40);
  });

  it('answers the routes outside /api the same to every caller: an API key opens nothing there', async () => {
    const failures: string[] = [];
    for (const route of new Set(registered)) {
      const { method, rule } = ruleOf(route);
      if (!rule || !('public' in rule.status)) continue;
      const { path, body } = await rule.request('anyone');
      const answers = new Set<string>();
      for (const kind of [...REFUSED, ...ROLES]) {
        const answer = await send(method, path, auth[kind], body);
        if (answer.status !== rule.status.public) failures.push(`${route} with ${kind}: ${answer.status}`);
        // Readiness reports its lag in seconds, which moves on its own.
        answers.add(`${answer.status} ${answer.text.replace(/"lag_seconds":\d+/, '')}`);
      }
      if (answers.size !== 1) failures.push(`${route}: ${answers.size} different answers`);
    }
    expect(failures).toEqual([]);
  });
});
