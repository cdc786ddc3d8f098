import type { LightMyRequestResponse } from 'fastify';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigOverrides } from '../../lib/config.ts';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { buildScenario, OPENED_AT, scenarioApp, type ScenarioApp } from './scenario/alert-scenario.ts';

/**
 * The API as a client meets it before any data: its OpenAPI description, liveness and readiness,
 * the rate limit, security headers, and how it answers input it cannot use.
 */

const NOW = OPENED_AT + 3 * 3600_000;

let paths: DataPaths;
let scenario: ScenarioApp;
/** An alert that fires at NOW. */
let alertId: string;
const extraApps: ScenarioApp[] = [];
/** Data directories made by these tests, removed at the end. */
const dirs: string[] = [];

beforeAll(async () => {
  paths = await buildScenario();
  scenario = await scenarioApp(paths);
  scenario.clock.set(NOW);
  const alerts = (await scenario.app.inject({ url: '/api/alerts', headers: scenario.as.owner })).json().alerts as Array<{ id: string }>;
  expect(alerts.length).toBeGreaterThan(0);
  alertId = alerts[0]!.id;
});

afterEach(async () => {
  for (const extra of extraApps.splice(0)) await extra.app.close();
});

afterAll(async () => {
  await scenario?.app.close();
  for (const dir of [paths?.root, ...dirs]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function extraApp(overrides: ConfigOverrides = {}, at = paths): Promise<ScenarioApp> {
  const extra = await scenarioApp(at, { config: overrides });
  extra.clock.set(NOW);
  extraApps.push(extra);
  return extra;
}

function emptyDataDir(): DataPaths {
  const dir = tempDir('replywatch-empty-');
  dirs.push(dir);
  return dataPaths(dir);
}

const owner = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
  scenario.app.inject({ method, url, headers: scenario.as.owner, ...(payload !== undefined ? { payload: payload as object } : {}) });

/** An error as every client may rely on: JSON `{ error: { code, message } }`, one line, no internals. */
function expectError(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json();
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
  expect(body.error.message).not.toBe('');
  expect(response.body).not.toMatch(/"stack"|\n\s+at |\.ts:\d+|node_modules/);
}

describe('GET /api/openapi.json', () => {
  const ROUTES: Array<{ path: string; method: string; params?: string[]; query?: string[]; body?: boolean; status?: string }> = [
    { path: '/api/alerts', method: 'get', query: ['kind', 'severity', 'status', 'agent', 'team', 'category', 'inquiry_id', 'since', 'limit', 'cursor'] },
    { path: '/api/alerts/{id}', method: 'get', params: ['id'] },
    { path: '/api/alerts/{id}/ack', method: 'post', params: ['id'], body: true },
    { path: '/api/alerts/{id}/snooze', method: 'post', params: ['id'], body: true },
    { path: '/api/alerts/stream', method: 'get' },
    { path: '/api/silences', method: 'get' },
    { path: '/api/silences', method: 'post', body: true, status: '201' },
    { path: '/api/silences/{id}', method: 'delete', params: ['id'] },
    { path: '/api/queue', method: 'get', query: ['assignee', 'team', 'inquiry_id', 'action', 'limit', 'cursor'] },
    { path: '/api/inquiries/{id}', method: 'get', params: ['id'] },
    { path: '/api/health/weekly', method: 'get', query: ['from', 'to', 'weeks', 'category', 'agent'] },
    { path: '/api/marts', method: 'get' },
    { path: '/api/marts/{name}', method: 'get', params: ['name'], query: ['columns', 'limit', 'offset'] },
    { path: '/api/notifications', method: 'get', query: ['limit'] },
    { path: '/healthz', method: 'get' },
    { path: '/readyz', method: 'get' },
  ];

  interface Operation {
    parameters?: Array<{ in: string; name: string; required?: boolean }>;
    requestBody?: { content?: Record<string, { schema?: { type?: string; properties?: Record<string, unknown> } }> };
    responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  }
  let spec: { openapi: string; paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    const response = await scenario.app.inject({ url: '/api/openapi.json', headers: scenario.as.analyst });
    expect(response.statusCode).toBe(200);
    spec = response.json();
  });

  it('is OpenAPI 3 with a path for every route', () => {
    expect(spec.openapi).toMatch(/^3\.\d+\.\d+$/);
    for (const route of ROUTES) expect(spec.paths[route.path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
  });

  it('describes the success response of every /api operation with a schema', () => {
    const apiOperations = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, operations]) => Object.entries(operations).map(([method, operation]) => ({ path, method, operation })));
    expect(apiOperations.length).toBeGreaterThanOrEqual(ROUTES.filter((route) => route.path.startsWith('/api/')).length);
    for (const { path, method, operation } of apiOperations) {
      const success = operation.responses?.['200'] ?? operation.responses?.['201'];
      const media = Object.values(success?.content ?? {});
      expect(media.length, `${method} ${path}`).toBeGreaterThan(0);
      expect(media[0]!.schema, `${method} ${path}`).toBeDefined();
    }
    expect(spec.paths['/api/silences']!.post!.responses?.['201']?.content?.['application/json']?.schema).toBeDefined();
  });

  it('lists the path and query parameters of each route', () => {
    for (const route of ROUTES) {
      const parameters = spec.paths[route.path]![route.method]!.parameters ?? [];
      const named = (where: string) => parameters.filter((parameter) => parameter.in === where).map((parameter) => parameter.name).sort();
      expect(named('path'), `${route.method} ${route.path}`).toEqual([...(route.params ?? [])].sort());
      expect(named('query'), `${route.method} ${route.path}`).toEqual(expect.arrayContaining(route.query ?? []));
      for (const parameter of parameters.filter((candidate) => candidate.in === 'path')) expect(parameter.required).toBe(true);
    }
  });

  it('describes the body of each route that takes one', () => {
    for (const route of ROUTES) {
      const body = spec.paths[route.path]![route.method]!.requestBody;
      if (!route.body) {
        expect(body, `${route.method} ${route.path}`).toBeUndefined();
        continue;
      }
      const schema = body?.content?.['application/json']?.schema;
      expect(schema?.type, `${route.method} ${route.path}`).toBe('object');
    }
    expect(Object.keys(spec.paths['/api/alerts/{id}/snooze']!.post!.requestBody!.content!['application/json']!.schema!.properties!)).toEqual(['until']);
    expect(Object.keys(spec.paths['/api/silences']!.post!.requestBody!.content!['application/json']!.schema!.properties!)).toEqual(
      expect.arrayContaining(['matchers', 'ends_at']),
    );
  });
});

describe('liveness and readiness', () => {
  it('answers /healthz 200 without a key', async () => {
    const response = await scenario.app.inject({ url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
  });

  it("answers /readyz 200 with the build's as-of time and its lag", async () => {
    const response = await scenario.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.ready).toBe(true);
    expect(body.reason).toBeNull();
    expect(body.warehouse.as_of).toBe('2026-11-27T05:32:00.000Z');
    expect(Number.isInteger(body.warehouse.lag_seconds)).toBe(true);
    expect(body.warehouse.lag_seconds).toBeGreaterThanOrEqual(0);
    const [meta] = await queryFile(paths.warehouse, 'select built_at from meta_build');
    expect(body.warehouse.built_at).toBe((meta!.built_at as Date).toISOString());
  });

  it('answers /readyz 503 once the build is older than api.staleAfterSeconds', async () => {
    const [meta] = await queryFile(paths.warehouse, 'select built_at from meta_build');
    const builtAt = (meta!.built_at as Date).getTime();
    // Lag is counted in whole seconds and must exceed 1.
    const wait = builtAt + 2_100 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const stale = await extraApp({ api: { staleAfterSeconds: 1 } });
    const response = await stale.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body.ready).toBe(false);
    expect(body.reason).toEqual(expect.any(String));
    expect(body.warehouse.as_of).toBe('2026-11-27T05:32:00.000Z');
    expect(body.warehouse.lag_seconds).toBeGreaterThan(1);
  });

  it('answers /readyz 503 ready:false when there is no warehouse', async () => {
    const empty = await extraApp({}, emptyDataDir());
    const response = await empty.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false, reason: expect.any(String), warehouse: null });
  });

  it('tells an API caller why there is nothing yet when there is no warehouse (503 not_ready)', async () => {
    const empty = await extraApp({}, emptyDataDir());
    const response = await empty.app.inject({ url: '/api/alerts', headers: empty.as.owner });
    expectError(response, 503, 'not_ready');
    // The reader's own explanation, not the message that hides a crash.
    expect(response.json().error.message).toMatch(/warehouse/);
    expect(response.json().error.message).not.toMatch(/internal error/);
  });
});

describe('rate limit', () => {
  it('answers the request past the limit 429 rate_limited, for that key only', async () => {
    const limited = await extraApp({ api: { rateLimitPerMinute: 5 } });
    for (let index = 0; index < 5; index += 1) {
      expect((await limited.app.inject({ url: '/api/alerts', headers: limited.as.owner })).statusCode, `request ${index + 1}`).toBe(200);
    }
    const sixth = await limited.app.inject({ url: '/api/alerts', headers: limited.as.owner });
    expectError(sixth, 429, 'rate_limited');
    expect(sixth.headers['retry-after']).toBeDefined();
    expect((await limited.app.inject({ url: '/api/alerts', headers: limited.as.analyst })).statusCode).toBe(200);
  });

  it('answers 429 rate_limited with a message on every route, marts included', async () => {
    const limited = await extraApp({ api: { rateLimitPerMinute: 5 } });
    for (let index = 0; index < 5; index += 1) await limited.app.inject({ url: '/api/marts', headers: limited.as.analyst });
    expectError(await limited.app.inject({ url: '/api/marts', headers: limited.as.analyst }), 429, 'rate_limited');
  });
});

describe('security headers', () => {
  it('sends nosniff and a frame policy on API answers, errors included', async () => {
    for (const response of [await owner('GET', '/api/alerts'), await scenario.app.inject({ url: '/api/alerts' }), await owner('GET', '/api/alerts/not-an-id')]) {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBeDefined();
    }
  });
});

describe('malformed input', () => {
  it('answers 400 bad_request for a malformed alert id, kind, limit or cursor', async () => {
    expectError(await owner('GET', '/api/alerts/not-an-id'), 400, 'bad_request');
    expectError(await owner('POST', '/api/alerts/not-an-id/ack', {}), 400, 'bad_request');
    expectError(await owner('GET', '/api/alerts?kind=bogus'), 400, 'bad_request');
    expectError(await owner('GET', '/api/alerts?limit=0'), 400, 'bad_request');
    expectError(await owner('GET', '/api/alerts?limit=lots'), 400, 'bad_request');
    expectError(await owner('GET', '/api/alerts?cursor=garbage'), 400, 'bad_request');
    expectError(await owner('GET', '/api/queue?cursor=garbage'), 400, 'bad_request');
    expectError(await owner('GET', '/api/alerts?since=yesterday'), 400, 'bad_request');
  });

  it('refuses a snooze until the past, a time that is not ISO 8601, or no body, and does not snooze', async () => {
    expectError(await owner('POST', `/api/alerts/${alertId}/snooze`, { until: new Date(NOW - 60_000).toISOString() }), 400, 'bad_request');
    expectError(await owner('POST', `/api/alerts/${alertId}/snooze`, { until: 'tomorrow at nine' }), 400, 'bad_request');
    expectError(await owner('POST', `/api/alerts/${alertId}/snooze`, { until: '2026-11-27 18:00' }), 400, 'bad_request');
    expectError(await owner('POST', `/api/alerts/${alertId}/snooze`), 400, 'bad_request');
    expectError(await owner('POST', `/api/alerts/${alertId}/snooze`, { until: new Date(NOW + 3600_000).toISOString(), extra: 1 }), 400, 'bad_request');
    const alert = (await owner('GET', `/api/alerts/${alertId}`)).json();
    expect(alert.status).toBe('firing');
    expect(alert.snoozed_until).toBeNull();
  });

  it('refuses a silence with no matchers, an end in the past or an unknown matcher, and creates none', async () => {
    const endsAt = new Date(NOW + 3600_000).toISOString();
    expectError(await owner('POST', '/api/silences', { matchers: {}, ends_at: endsAt }), 400, 'bad_request');
    expectError(await owner('POST', '/api/silences', { matchers: { kind: 'first_response_breach' }, ends_at: new Date(NOW - 60_000).toISOString() }), 400, 'bad_request');
    expectError(await owner('POST', '/api/silences', { matchers: { colour: 'red' }, ends_at: endsAt }), 400, 'bad_request');
    expectError(await owner('POST', '/api/silences', { matchers: { kind: 'first_response_breach' } }), 400, 'bad_request');
    expect((await owner('GET', '/api/silences')).json().silences).toEqual([]);
  });

  it('answers a body larger than api.maxBodyBytes 413 JSON', async () => {
    const payload = JSON.stringify({ comment: 'x'.repeat(scenario.config.api.maxBodyBytes + 1) });
    const response = await scenario.app.inject({
      method: 'POST',
      url: `/api/alerts/${alertId}/ack`,
      headers: { ...scenario.as.owner, 'content-type': 'application/json' },
      payload,
    });
    expectError(response, 413, 'body_too_large');
    expect((await owner('GET', `/api/alerts/${alertId}`)).json().status).toBe('firing');
  });

  it('acknowledges without a body, since the comment is optional', async () => {
    // Runs last in this file: it is the only test that changes an alert.
    const response = await scenario.app.inject({ method: 'POST', url: `/api/alerts/${alertId}/ack`, headers: scenario.as.owner });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().status).toBe('acknowledged');
  });
});
