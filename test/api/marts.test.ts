import { tableFromIPC } from 'apache-arrow';
import type { LightMyRequestResponse } from 'fastify';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { scenarioApp, type ScenarioApp } from './scenario/alert-scenario.ts';

/**
 * The analysts' door to the warehouse: GET /api/marts and /api/marts/:name, as JSON and as Arrow,
 * compared with the warehouse itself. Runs on a copy of the shared demo warehouse (a month of
 * inquiries, so filters have something to tell apart); the copy keeps the shared one untouched.
 */

const ARROW = 'application/vnd.apache.arrow.stream';

interface Inquiry {
  inquiry_id: string;
  triage_category: string;
  opened_at: Date;
  owner_agent_id: string | null;
}

let paths: DataPaths;
let scenario: ScenarioApp;
/** fct_inquiries as the warehouse has it, ordered by inquiry_id. */
let inquiries: Inquiry[];
/** fct_inquiries' columns in the warehouse's order. */
let inquiryColumns: string[];

beforeAll(async () => {
  paths = dataPaths(tempDir('replywatch-marts-'));
  copyFileSync(join(inject('builtDataDir'), 'warehouse.duckdb'), paths.warehouse);
  scenario = await scenarioApp(paths);
  inquiries = (await queryFile(paths.warehouse, 'select * from fct_inquiries order by inquiry_id')) as unknown as Inquiry[];
  inquiryColumns = (
    await queryFile(
      paths.warehouse,
      `select column_name from information_schema.columns where table_name = 'fct_inquiries' and table_schema = current_schema() order by ordinal_position`,
    )
  ).map((row) => String(row.column_name));
  // The filters below need both sides of each condition to be present.
  expect(inquiries.length).toBeGreaterThan(50);
  expect(new Set(inquiries.map((row) => row.triage_category)).size).toBeGreaterThan(2);
  expect(inquiries.some((row) => row.owner_agent_id === null)).toBe(true);
  expect(inquiries.some((row) => row.owner_agent_id !== null)).toBe(true);
});

afterAll(async () => {
  await scenario?.app.close();
  if (paths) rmSync(paths.root, { recursive: true, force: true });
});

const get = (url: string, accept?: string) =>
  scenario.app.inject({ method: 'GET', url, headers: { ...scenario.as.analyst, ...(accept ? { accept } : {}) } });
const rowsOf = (response: LightMyRequestResponse) => response.json().rows as Array<Record<string, unknown>>;
const idsOf = (rows: Array<Record<string, unknown>> | Inquiry[]) => rows.map((row) => String(row.inquiry_id));

function expectBadRequest(response: LightMyRequestResponse, pattern: RegExp): void {
  expect(response.statusCode).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.body).not.toContain('\n');
  const body = response.json();
  expect(body).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(pattern) } });
  expect(body.error.message).not.toContain('\n');
}

describe('GET /api/marts', () => {
  it('lists the marts with their columns, and never the intermediate or staging models', async () => {
    const response = await get('/api/marts');
    expect(response.statusCode).toBe(200);
    const marts = response.json().marts as Array<{ name: string; columns: Array<{ name: string; type: string }> }>;
    const names = marts.map((mart) => mart.name);
    expect(names).toEqual(expect.arrayContaining(['fct_inquiries', 'rpt_next_actions', 'rpt_alert_clocks', 'agg_response_health_weekly', 'dim_agents']));

    const tables = (await queryFile(paths.warehouse, `select table_name from information_schema.tables where table_schema = current_schema()`)).map((row) =>
      String(row.table_name),
    );
    const internal = tables.filter((table) => table.startsWith('int_') || table.startsWith('stg_'));
    expect(internal.length).toBeGreaterThan(0);
    for (const name of names) expect(name).not.toMatch(/^(int|stg)_/);

    expect(marts.find((mart) => mart.name === 'fct_inquiries')!.columns.map((column) => column.name)).toEqual(inquiryColumns);
  });
});

describe('GET /api/marts/:name', () => {
  it('streams fct_inquiries as Arrow with the rows and columns of the warehouse', async () => {
    const response = await get('/api/marts/fct_inquiries', ARROW);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(ARROW);
    const table = tableFromIPC(response.rawPayload);
    expect(table.schema.fields.map((field) => field.name)).toEqual(inquiryColumns);
    expect(table.numRows).toBe(inquiries.length);
    const column = (name: string) => [...table.getChild(name)!.toArray()] as unknown[];
    expect(column('inquiry_id')).toEqual(idsOf(inquiries));
    expect(column('triage_category')).toEqual(inquiries.map((row) => row.triage_category));
    expect(column('opened_at').map(Number)).toEqual(inquiries.map((row) => row.opened_at.getTime()));
  });

  it('gives exactly the columns asked for, in that order', async () => {
    const arrow = tableFromIPC((await get('/api/marts/fct_inquiries?columns=triage_category,inquiry_id,opened_at', ARROW)).rawPayload);
    expect(arrow.schema.fields.map((field) => field.name)).toEqual(['triage_category', 'inquiry_id', 'opened_at']);
    expect(arrow.numRows).toBe(inquiries.length);

    const json = await get('/api/marts/fct_inquiries?columns=triage_category,inquiry_id,opened_at');
    expect(json.statusCode).toBe(200);
    for (const row of rowsOf(json)) expect(Object.keys(row)).toEqual(['triage_category', 'inquiry_id', 'opened_at']);
  });

  it('gives the same rows as JSON', async () => {
    const response = await get('/api/marts/fct_inquiries', 'application/json');
    expect(response.statusCode).toBe(200);
    expect(response.json().mart).toBe('fct_inquiries');
    const rows = rowsOf(response);
    expect(rows).toHaveLength(inquiries.length);
    expect(Object.keys(rows[0]!)).toEqual(inquiryColumns);
    expect(rows.map((row) => [row.inquiry_id, row.triage_category, Date.parse(String(row.opened_at)), row.owner_agent_id])).toEqual(
      inquiries.map((row) => [row.inquiry_id, row.triage_category, row.opened_at.getTime(), row.owner_agent_id]),
    );
  });

  describe('filters', () => {
    it('filter.<column>=value keeps the rows equal to it', async () => {
      const rows = rowsOf(await get('/api/marts/fct_inquiries?filter.triage_category=fresh_high_intent&columns=inquiry_id,triage_category'));
      const expected = inquiries.filter((row) => row.triage_category === 'fresh_high_intent');
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(inquiries.length);
      expect(idsOf(rows)).toEqual(idsOf(expected));
    });

    it('filter.<column>.gte=<ISO time> compares instants', async () => {
      const sorted = inquiries.map((row) => row.opened_at.getTime()).sort((a, b) => a - b);
      const middle = sorted[Math.floor(sorted.length / 2)]!;
      // In India's offset, so a comparison that dropped the offset would be 5.5 hours off.
      const iso = new Date(middle).toLocaleString('sv-SE', { timeZone: 'Asia/Kolkata' }).replace(' ', 'T') + '+05:30';
      expect(Date.parse(iso)).toBe(middle);
      const rows = rowsOf(await get(`/api/marts/fct_inquiries?filter.opened_at.gte=${encodeURIComponent(iso)}&columns=inquiry_id`));
      const expected = inquiries.filter((row) => row.opened_at.getTime() >= middle);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(inquiries.length);
      expect(idsOf(rows)).toEqual(idsOf(expected));
    });

    it('filter.<column>.in=a,b keeps rows equal to any of them', async () => {
      const rows = rowsOf(await get('/api/marts/fct_inquiries?filter.triage_category.in=fresh_high_intent,information_request&columns=inquiry_id'));
      const expected = inquiries.filter((row) => ['fresh_high_intent', 'information_request'].includes(row.triage_category));
      expect(expected.length).toBeLessThan(inquiries.length);
      expect(idsOf(rows)).toEqual(idsOf(expected));
    });

    it('filter.<column>.is_null=true|false keeps the null (or not-null) rows', async () => {
      const nulls = rowsOf(await get('/api/marts/fct_inquiries?filter.owner_agent_id.is_null=true&columns=inquiry_id,owner_agent_id'));
      expect(idsOf(nulls)).toEqual(idsOf(inquiries.filter((row) => row.owner_agent_id === null)));
      for (const row of nulls) expect(row.owner_agent_id).toBeNull();
      const owned = rowsOf(await get('/api/marts/fct_inquiries?filter.owner_agent_id.is_null=false&columns=inquiry_id'));
      expect(idsOf(owned)).toEqual(idsOf(inquiries.filter((row) => row.owner_agent_id !== null)));
    });

    it('binds values: an injection attempt is just a value no row has', async () => {
      const response = await get(`/api/marts/fct_inquiries?filter.triage_category=${encodeURIComponent("x' or '1'='1")}`);
      expect(response.statusCode).toBe(200);
      expect(rowsOf(response)).toEqual([]);
      const inList = await get(`/api/marts/fct_inquiries?filter.triage_category.in=${encodeURIComponent("x') or ('1'='1")}`);
      expect(inList.statusCode).toBe(200);
      expect(rowsOf(inList)).toEqual([]);
      // And the warehouse still answers in full.
      expect(rowsOf(await get('/api/marts/fct_inquiries?columns=inquiry_id'))).toHaveLength(inquiries.length);
    });
  });

  describe('refusals', () => {
    it('answers 404 for a mart that does not exist, and for intermediate and staging models that do', async () => {
      const tables = (await queryFile(paths.warehouse, `select table_name from information_schema.tables where table_schema = current_schema()`)).map((row) =>
        String(row.table_name),
      );
      const intModel = tables.find((table) => table.startsWith('int_'))!;
      const stgModel = tables.find((table) => table.startsWith('stg_'))!;
      expect(intModel).toBeDefined();
      expect(stgModel).toBeDefined();
      for (const name of ['fct_nothing_here', intModel, stgModel]) {
        const response = await get(`/api/marts/${name}`);
        expect(response.statusCode, name).toBe(404);
        expect(response.json(), name).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
        expect(response.body, name).not.toContain('"rows"');
      }
    });

    it('answers 400 for a column the mart does not have, in columns= and in a filter', async () => {
      expectBadRequest(await get('/api/marts/fct_inquiries?columns=inquiry_id,shoe_size'), /shoe_size/);
      expectBadRequest(await get('/api/marts/fct_inquiries?filter.shoe_size=42'), /shoe_size/);
      expectBadRequest(await get('/api/marts/fct_inquiries?filter.shoe_size.gte=42'), /shoe_size/);
    });

    it('answers 400 for a query parameter it does not know', async () => {
      expectBadRequest(await get('/api/marts/fct_inquiries?colour=red'), /colour/);
      expectBadRequest(await get('/api/marts/fct_inquiries?filter.opened_at.between=2026-11-01'), /filter\.opened_at\.between/);
    });

    it('answers 400 in one line for a value that cannot be cast to the column type', async () => {
      expectBadRequest(await get('/api/marts/fct_inquiries?filter.opened_at.gte=notadate'), /notadate/);
      expectBadRequest(await get('/api/marts/fct_inquiries?filter.owner_agent_id.is_null=maybe'), /true or false/);
    });

    it('answers 406 to an Accept it cannot serve', async () => {
      const response = await get('/api/marts/fct_inquiries', 'text/csv');
      expect(response.statusCode).toBe(406);
      expect(response.json()).toEqual({ error: { code: 'not_acceptable', message: expect.any(String) } });
    });
  });
});
