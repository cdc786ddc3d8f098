import { DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi, type MockInstance } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { createGroupCommitAppender } from '../../ingest/landing/group-commit-appender.ts';
import { createKey } from '../../lib/api-keys.ts';
import { loadConfig } from '../../lib/config.ts';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { processLease } from '../../lib/process-lease.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET, VERIFY_TOKEN } from '../helpers/webhook-app.ts';

/**
 * SQL injection strings in every filter, id and mart name the API takes. Each must come back as an
 * ordinary answer (nothing matches, or a one-line 400/403/404), never as a database error, and the
 * text of every statement the API sends to DuckDB during the request must not contain it: values
 * are bound, names are checked against the warehouse's catalog first.
 */

const ARROW = 'application/vnd.apache.arrow.stream';
/** A file that exists only if some injected statement ran. */
const PROBE = join(tempDir('replywatch-probe-'), 'injected.csv');

const INJECTIONS = [
  `' or '1'='1`,
  `x' or 1=1 --`,
  `'; drop table fct_inquiries; --`,
  `" or ""="`,
  `1; select * from dim_agents`,
  `') union all select table_name from information_schema.tables --`,
  `fct_inquiries"; drop table "fct_inquiries`,
  `(select string_agg(agent_id, '|') from dim_agents)`,
  `x'); copy (select 42) to '${PROBE}'; --`,
  `%' or getenv('HOME') like '%`,
  `read_text('/etc/passwd')`,
  `admin'/*`,
  `' || (select count(*) from fct_inquiries) || '`,
  `\\'; select 1; --`,
  `1' and 1=(select 1) and '1'='1`,
  `x\u0000' or 1=1 --`,
];

/** What a request with an injection string must answer. */
type Outcome = 'nothing' | 'everything' | 'refused';
interface Target {
  name: string;
  path: (injection: string) => string;
  outcome: Outcome;
  /** The key to send; the owner's unless said. */
  as?: 'supervisor';
  accept?: string;
  /** The list in the answer that must be empty (or whole). */
  list?: (body: Record<string, unknown>) => unknown[];
  /** Longer strings are refused (400) by the parameter's length limit before anything else. */
  maxLength?: number;
}

const q = encodeURIComponent;
const alerts = (body: Record<string, unknown>) => body.alerts as unknown[];
const items = (body: Record<string, unknown>) => body.items as unknown[];
const rows = (body: Record<string, unknown>) => body.rows as unknown[];
const MART = '/api/marts/fct_inquiries';

const TARGETS: Target[] = [
  { name: 'alerts team filter', path: (x) => `/api/alerts?team=${q(x)}`, outcome: 'nothing', list: alerts },
  { name: 'alerts agent filter', path: (x) => `/api/alerts?agent=${q(x)}`, outcome: 'nothing', list: alerts },
  { name: 'alerts category filter', path: (x) => `/api/alerts?category=${q(x)}`, outcome: 'nothing', list: alerts },
  { name: 'alerts inquiry filter', path: (x) => `/api/alerts?inquiry_id=${q(x)}`, outcome: 'nothing', list: alerts },
  { name: 'alerts kind', path: (x) => `/api/alerts?kind=${q(x)}`, outcome: 'refused' },
  { name: 'alerts since', path: (x) => `/api/alerts?since=${q(x)}`, outcome: 'refused' },
  { name: 'alerts cursor', path: (x) => `/api/alerts?cursor=${q(x)}`, outcome: 'refused' },
  { name: "a supervisor's team filter", path: (x) => `/api/alerts?team=${q(x)}`, outcome: 'refused', as: 'supervisor' },
  { name: 'alert id', path: (x) => `/api/alerts/${q(x)}`, outcome: 'refused' },
  { name: 'queue team filter', path: (x) => `/api/queue?team=${q(x)}`, outcome: 'nothing', list: items },
  { name: 'queue assignee filter', path: (x) => `/api/queue?assignee=${q(x)}`, outcome: 'nothing', list: items },
  { name: 'queue inquiry filter', path: (x) => `/api/queue?inquiry_id=${q(x)}`, outcome: 'nothing', list: items },
  { name: 'queue action filter', path: (x) => `/api/queue?action=${q(x)}`, outcome: 'nothing', list: items, maxLength: 50 },
  { name: 'inquiry id', path: (x) => `/api/inquiries/${q(x)}`, outcome: 'refused' },
  { name: 'weekly health category', path: (x) => `/api/health/weekly?category=${q(x)}`, outcome: 'nothing', list: rows },
  { name: 'weekly health agent', path: (x) => `/api/health/weekly?agent=${q(x)}`, outcome: 'nothing', list: rows },
  { name: 'weekly health from', path: (x) => `/api/health/weekly?from=${q(x)}`, outcome: 'refused' },
  { name: 'weekly health to', path: (x) => `/api/health/weekly?to=${q(x)}`, outcome: 'refused' },
  { name: 'mart name', path: (x) => `/api/marts/${q(x)}`, outcome: 'refused' },
  { name: 'mart columns', path: (x) => `${MART}?columns=${q(x)}`, outcome: 'refused' },
  { name: 'mart columns after a real one', path: (x) => `${MART}?columns=inquiry_id,${q(x)}`, outcome: 'refused' },
  { name: 'mart filter column', path: (x) => `${MART}?filter.${q(x)}=x`, outcome: 'refused' },
  { name: 'mart filter operator', path: (x) => `${MART}?filter.triage_category.${q(x)}=x`, outcome: 'refused' },
  { name: 'mart filter value', path: (x) => `${MART}?filter.triage_category=${q(x)}`, outcome: 'nothing', list: rows },
  { name: 'mart filter value, arrow', path: (x) => `${MART}?filter.triage_category=${q(x)}`, outcome: 'nothing', accept: ARROW },
  { name: 'mart filter value, not equal', path: (x) => `${MART}?filter.triage_category.ne=${q(x)}&columns=inquiry_id`, outcome: 'everything', list: rows },
  { name: 'mart filter list', path: (x) => `${MART}?filter.triage_category.in=${q(x)}`, outcome: 'nothing', list: rows },
  { name: 'mart filter list, arrow', path: (x) => `${MART}?filter.triage_category.in=${q(x)}`, outcome: 'nothing', accept: ARROW },
  { name: 'mart filter time', path: (x) => `${MART}?filter.opened_at.gte=${q(x)}`, outcome: 'refused' },
  { name: 'mart filter is_null', path: (x) => `${MART}?filter.owner_agent_id.is_null=${q(x)}`, outcome: 'refused' },
  { name: 'mart limit', path: (x) => `${MART}?limit=${q(x)}`, outcome: 'refused' },
  { name: 'mart offset', path: (x) => `${MART}?offset=${q(x)}`, outcome: 'refused' },
];

/** The connection methods that take SQL text: every statement the API sends goes through one. */
const SQL_METHODS = [
  'run', 'runAndRead', 'runAndReadAll', 'runAndReadUntil', 'stream', 'streamAndRead', 'streamAndReadAll', 'streamAndReadUntil',
  'start', 'startThenRead', 'startThenReadAll', 'startThenReadUntil', 'startStream', 'startStreamThenRead', 'startStreamThenReadAll',
  'startStreamThenReadUntil', 'prepare', 'extractStatements',
] as const;

let app: FastifyInstance;
let paths: DataPaths;
let owner: string;
let supervisor: string;
let inquiryCount: number;
let warehouseHash: string;
let spies: Array<MockInstance<(sql: string, ...rest: unknown[]) => unknown>>;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every SQL text (and its bound values) sent to DuckDB since the last call. */
function statementsSent(): Array<{ sql: string; values: unknown }> {
  const sent = spies.flatMap((spy) => spy.mock.calls.map((call) => ({ sql: call[0], values: call[1] })));
  for (const spy of spies) spy.mockClear();
  return sent;
}

beforeAll(async () => {
  paths = dataPaths(tempDir('replywatch-injection-'));
  cpSync(join(inject('builtDataDir'), 'warehouse.duckdb'), paths.warehouse);
  warehouseHash = sha256(paths.warehouse);
  app = await buildApp({
    config: loadConfig({ env: { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN }, overrides: { api: { rateLimitPerMinute: 1_000_000 } } }),
    paths,
    whatsappLanding: createGroupCommitAppender(join(paths.landing, 'whatsapp'), processLease(paths.leases)),
  });
  owner = `Bearer ${createKey(paths.state, { role: 'owner' }).key}`;
  supervisor = `Bearer ${createKey(paths.state, { role: 'supervisor', team: 'sales' }).key}`;
  const all = await app.inject({ url: `${MART}?columns=inquiry_id`, headers: { authorization: owner } });
  inquiryCount = (all.json().rows as unknown[]).length;
  expect(inquiryCount).toBeGreaterThan(10);
  spies = SQL_METHODS.map((method) => vi.spyOn(DuckDBConnection.prototype, method) as unknown as (typeof spies)[number]);
});

afterAll(async () => {
  for (const spy of spies ?? []) spy.mockRestore();
  await app?.close();
});

function check(target: Target, injection: string, response: LightMyRequestResponse): string | undefined {
  if (target.outcome === 'refused' || injection.length > (target.maxLength ?? Infinity)) {
    if (![400, 403, 404].includes(response.statusCode)) return `${response.statusCode} ${response.body.slice(0, 200)}`;
    const body = response.json() as { error?: { code?: string; message?: string } };
    if (!['bad_request', 'forbidden', 'not_found'].includes(body.error?.code ?? '')) return response.body.slice(0, 200);
    if (/\n/.test(body.error!.message!)) return `a message of several lines: ${body.error!.message}`;
    // The caller's text reaching the SQL parser or binder would show in these.
    if (/Parser Error|Binder Error|Catalog Error|syntax error|internal error/i.test(body.error!.message!)) return body.error!.message;
    return undefined;
  }
  if (response.statusCode !== 200) return `${response.statusCode} ${response.body.slice(0, 200)}`;
  const found = target.accept === ARROW ? tableFromIPC(response.rawPayload).numRows : target.list!(response.json()).length;
  const expected = target.outcome === 'nothing' ? 0 : inquiryCount;
  return found === expected ? undefined : `${found} rows, not ${expected} (${injection})`;
}

describe('SQL injection strings in every filter, id and mart name', () => {
  it(`are answered as plain values or refused in one line, in ${TARGETS.length} places × ${INJECTIONS.length} strings`, async () => {
    const failures: string[] = [];
    statementsSent();
    for (const target of TARGETS) {
      for (const injection of INJECTIONS) {
        const response = await app.inject({
          url: target.path(injection),
          headers: { authorization: target.as === 'supervisor' ? supervisor : owner, ...(target.accept ? { accept: target.accept } : {}) },
        });
        const problem = check(target, injection, response);
        if (problem) failures.push(`${target.name} with ${JSON.stringify(injection)}: ${problem}`);
        for (const { sql } of statementsSent()) {
          if (sql.includes(injection)) failures.push(`${target.name}: the caller's text went into the SQL: ${sql.slice(0, 300)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('hands a mart filter value to DuckDB as a bound value, never as SQL text', async () => {
    statementsSent();
    const injection = INJECTIONS[1]!;
    const response = await app.inject({
      url: `${MART}?columns=inquiry_id,triage_category&filter.triage_category=${q(injection)}&filter.owner_agent_id.in=${q(`a,${injection}`)}`,
      headers: { authorization: owner },
    });
    expect(response.statusCode).toBe(200);
    const query = statementsSent().find(({ sql }) => sql.includes('from "fct_inquiries"'))!;
    expect(query.sql).not.toContain(injection);
    expect(Object.values(query.values as Record<string, unknown>)).toEqual(expect.arrayContaining([injection, 'a']));
    // Every caller-chosen name that reached the text is one the catalog holds, quoted.
    expect(query.sql).toMatch(/^select "inquiry_id", "triage_category" from "fct_inquiries" where "triage_category" = cast\(\$p0 as VARCHAR\) and "owner_agent_id" in \(cast\(\$p1_0 as VARCHAR\), cast\(\$p1_1 as VARCHAR\)\) order by "inquiry_id" limit \$limit offset \$offset$/);
  });

  it('ran none of it: no file written by an injected COPY, the warehouse file unchanged, every row still there', async () => {
    expect(existsSync(PROBE)).toBe(false);
    expect(sha256(paths.warehouse)).toBe(warehouseHash);
    const all = await app.inject({ url: `${MART}?columns=inquiry_id`, headers: { authorization: owner } });
    expect((all.json().rows as unknown[]).length).toBe(inquiryCount);
  });
});
