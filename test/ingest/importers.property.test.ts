import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractFor } from '../../ingest/contracts/contract-for.ts';
import { CrmContactRecord } from '../../ingest/contracts/crm-contacts.ts';
import { CrmDealRecord } from '../../ingest/contracts/crm-deals.ts';
import { InboxEventRecord } from '../../ingest/contracts/inbox.ts';
import { OutboundRecord } from '../../ingest/contracts/outbound.ts';
import { RosterRecord } from '../../ingest/contracts/roster.ts';
import { landFile } from '../../ingest/landing/land-file.ts';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { TABULAR_LOADS } from '../../ingest/raw/tabular-loads.ts';
import { readSource, type SourceRecord } from '../../ingest/read-source.ts';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { UserError } from '../../lib/user-error.ts';
import { asUtf8, hostileText } from '../helpers/hostile-text.ts';
import { queryFile } from '../helpers/read-db.ts';
import { tempDir } from '../helpers/temp-dir.ts';

// Property tests of the CSV/NDJSON importers: whatever a file holds, each record either loads as
// written or is quarantined with a reason; nothing throws past `ingest`; the good records beside a
// bad one all load, once.

const TABULAR_KINDS = ['outbound', 'inbox', 'roster', 'crm-contacts', 'crm-deals'] as const;
type TabularKind = (typeof TABULAR_KINDS)[number];

/** One well-formed record of each kind, the base the properties bend. */
const WELL_FORMED: Record<TabularKind, Record<string, unknown>> = {
  outbound: {
    wamid: 'wamid.OUT1', phone_number_id: '800000000000001', to: '919811112222', sent_at: '2026-11-27T10:00:00+05:30',
    author_kind: 'agent', agent_id: 'a_priya', type: 'text', template_name: null, text: 'Hello',
  },
  inbox: {
    event_id: 'e1', type: 'disposition', at: '2026-11-27T10:00:00Z', phone_number_id: '800000000000001', wa_id: '919811112222',
    agent_id: 'a_priya', disposition: 'won', next_action: 'none',
  },
  roster: { agent_id: 'a_priya', name: 'Priya', role: 'sales', team: 'sales', supervisor_id: null, capacity: 30, active: true },
  'crm-contacts': {
    crm_contact_id: 'c1', phone: '+91 98111 12222', name: 'Asha', owner_agent_id: 'a_priya', lifecycle_stage: 'lead',
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z',
  },
  'crm-deals': {
    deal_id: 'd1', crm_contact_id: 'c1', name: 'JEE', amount_inr: '₹1,50,000', stage: 'won', owner_agent_id: 'a_priya',
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z', closed_at: null,
  },
};

const SCHEMAS = {
  outbound: OutboundRecord, inbox: InboxEventRecord, roster: RosterRecord, 'crm-contacts': CrmContactRecord, 'crm-deals': CrmDealRecord,
};

/** The field that names a record of the kind (unique within one generated file). */
const KEY_FIELD: Record<TabularKind, string> = {
  outbound: 'wamid', inbox: 'event_id', roster: 'agent_id', 'crm-contacts': 'crm_contact_id', 'crm-deals': 'deal_id',
};

const nestedList = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

/** Values that real exports hold where the contract wants something else, and plain hostile ones. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileText({ loneSurrogates: true }),
  fc.double(),
  fc.integer({ min: 1, max: 20_000 }).map(nestedList),
  fc.constantFrom(
    undefined, null, '', ' ', 0, -0, 1e21, 2 ** 53 + 1, Number.NaN, Number.POSITIVE_INFINITY, true, 'yes', 'Y', 'nope', '₹1,50,000',
    'Rs. 1,234.50', '1e5', '-1', '30.0', '100001', '2026-02-30T10:00:00+05:30', '2024-02-29T23:59:59.999999999-03:00',
    '2026-11-27T10:00+0530', '2026-11-27 10:00', 'agent', 'campaign', 'assigned', 'handoff_note', 'owner', 'won', 'follow_up',
  ),
);

function wellFormedValue(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

describe('the input contracts, given any value in any field', () => {
  it('accept a record with JSON-safe values of their own fields, or refuse it with a one-line reason; never throw', () => {
    const allFields = [...new Set(TABULAR_KINDS.flatMap((kind) => Object.keys(WELL_FORMED[kind])))];
    const input = fc.record({
      kind: fc.constantFrom(...TABULAR_KINDS),
      fromCsv: fc.boolean(),
      changes: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...allFields), fc.string()), oddValue), { maxLength: 4 }),
      whole: fc.option(oddValue, { freq: 8 }),
    });
    fc.assert(
      fc.property(input, ({ kind, fromCsv, changes, whole }) => {
        const contract = contractFor(kind);
        const value = whole ?? { ...WELL_FORMED[kind], ...Object.fromEntries(changes) };
        const verdict = contract.check(value, fromCsv);
        if (verdict.ok) {
          expect(Object.keys(verdict.record).every((field) => field in SCHEMAS[kind].properties)).toBe(true);
          expect(Object.values(verdict.record).every(wellFormedValue)).toBe(true);
          // Accepting is stable: the form that lands is accepted again as it is.
          const landed = JSON.parse(JSON.stringify(verdict.record)) as Record<string, unknown>;
          expect(contract.check(landed, false)).toEqual({ ok: true, record: landed });
        } else {
          expect(verdict.reason).toMatch(/^\S[^\n]*$/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('reading any bytes as an input file', () => {
  it('yields each line as a parsed record or one with an error, or stops with a one-line user error; nothing else escapes', async () => {
    const text = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc.array(fc.oneof(fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)), hostileText()), { maxLength: 8 }).map((lines) => Buffer.from(lines.join('\n'))),
      fc.array(fc.array(hostileText(), { maxLength: 4 }), { maxLength: 6 }).map((rows) => Buffer.from(['a,b', ...rows.map((row) => row.join(','))].join('\r\n'))),
    );
    const file = fc.record({ format: fc.constantFrom('ndjson' as const, 'csv' as const), bytes: text, gzip: fc.boolean(), cut: fc.option(fc.nat(), { freq: 4 }) });
    const dir = tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(file, async ({ format, bytes, gzip, cut }) => {
        const whole = gzip ? gzipSync(bytes) : bytes;
        // A cut-off file, as a transfer that stopped halfway leaves it.
        const content = cut === null ? whole : whole.subarray(0, cut % (whole.length + 1));
        const path = join(dir, `input-${(run += 1)}.${format}`);
        writeFileSync(path, content);
        const records: SourceRecord[] = [];
        try {
          for await (const batch of readSource(path, format, ['a'])) records.push(...batch);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as Error).message).toMatch(/^\S[^\n]*$/);
          return;
        }
        for (const record of records) {
          expect(record.line).toBeGreaterThanOrEqual(1);
          expect((record.value === undefined) !== (record.error === undefined)).toBe(true);
        }
        if (format === 'ndjson' && !gzip && cut === null) {
          // One record per line that is not blank.
          const lines = bytes.toString('utf8').replace(/^\ufeff/, '').split('\n').filter((line) => line.trim() !== '');
          expect(records).toHaveLength(lines.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: a generated file through landFile and loadPendingSegments, as `replywatch ingest` runs them.

/**
 * Each end-to-end run lands a file and loads it into a fresh raw.duckdb (a few hundred ms), so
 * fewer runs than the pure property; past the time limit a run stops early, and a failure found by
 * then is still reported with its shrunk counterexample before the test times out.
 */
const E2E_RUNS = { numRuns: 50, interruptAfterTimeLimit: 100_000 };

let stderr: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  // landFile reports progress on stderr; a hundred runs of it would bury the test output.
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(() => stderr.mockRestore());

async function ingest(kind: string, name: string, content: string | Buffer) {
  const paths = dataPaths(tempDir());
  const file = join(paths.root, name);
  writeFileSync(file, content);
  const landed = await landFile(paths, kind, file);
  const load = await loadPendingSegments(paths, { quiet: true });
  return { paths, file, landed, load };
}

/**
 * Rows with the BLOB columns (text selected as `encode(column)`) decoded as UTF-8: DuckDB's Node
 * client drops a leading U+FEFF when it hands over a VARCHAR, and the properties compare exact text.
 */
async function textsOf(path: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const rows = await queryFile(path, sql);
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value])),
  );
}

const quarantineOf = (paths: DataPaths) =>
  queryFile(paths.raw, 'select source_line, reason, record_text from raw_quarantine order by source_line');

/** An ISO instant with an offset, and the epoch milliseconds it names. */
const instant = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) }),
    offsetMinutes: fc.constantFrom(0, 330, -180, 345, 840, -720),
    zulu: fc.boolean(),
    fraction: fc.constantFrom('', '.5', '.123', '.123456'),
  })
  .map(({ ms, offsetMinutes, zulu, fraction }) => {
    const whole = Math.floor(ms / 1000) * 1000;
    const fractionMs = fraction === '' ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
    const local = new Date(whole + offsetMinutes * 60_000).toISOString().slice(0, 19);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const offset = zulu && offsetMinutes === 0 ? 'Z' : `${sign}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
    return { text: `${local}${fraction}${offset}`, epochMs: whole + fractionMs };
  });

interface Outbound {
  wamid: string;
  phone_number_id: string | number;
  to: string;
  sent_at: { text: string; epochMs: number };
  author_kind: 'agent' | 'automation' | 'campaign';
  agent_id: string | null;
  type: string;
  template_name: string | null;
  text: string | null;
}

const outbound = (index: number) =>
  fc
    .record({
      suffix: hostileText(),
      phone_number_id: fc.oneof(fc.bigInt({ min: 100000000000000n, max: 999999999999999n }).map(String), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
      to: fc.stringMatching(/^\+?91[6-9]\d{9}$/),
      sent_at: instant,
      author_kind: fc.constantFrom('agent', 'automation', 'campaign'),
      agent_id: hostileText({ minLength: 1 }),
      type: fc.constantFrom('text', 'template', 'image'),
      template_name: fc.option(hostileText(), { freq: 2 }),
      text: fc.option(hostileText({ loneSurrogates: true }), { freq: 5 }),
    })
    .map(
      ({ suffix, ...fields }): Outbound => ({
        ...fields,
        wamid: `wamid.${index}.${suffix}`,
        agent_id: fields.author_kind === 'agent' ? fields.agent_id : null,
      }),
    );

/** A line that must be quarantined, and what its reason says. */
const BAD_NDJSON: Array<{ line: (index: number) => string; reason: RegExp }> = [
  { line: (index) => `{"wamid": "wamid.bad.${index}", "to": "9198`, reason: /^not JSON/ },
  // Each bad line differs from the others: raw_quarantine keeps one row per distinct bad record and reason.
  { line: (index) => `[1, ${index}]`, reason: /^record is not a JSON object$/ },
  { line: (index) => `"line ${index}"`, reason: /^record is not a JSON object$/ },
  { line: (index) => `${index}`, reason: /^record is not a JSON object$/ },
  { line: (index) => badOutbound(index, { sent_at: '2026-02-30T10:00:00+05:30' }), reason: /^sent_at "2026-02-30T10:00:00\+05:30" is not an ISO 8601 time with an offset$/ },
  { line: (index) => badOutbound(index, { sent_at: '27/11/2026 10:00' }), reason: /^sent_at .* is not an ISO 8601 time/ },
  { line: (index) => badOutbound(index, { agent_id: null }), reason: /^agent_id is missing on a message by an agent$/ },
  { line: (index) => badOutbound(index, { author_kind: 'bot' }), reason: /^author_kind "bot"/ },
  { line: (index) => badOutbound(index, {}).replace('"text":"Hello"', `"text":${'['.repeat(5000)}${']'.repeat(5000)}`), reason: /^text is a JSON list, not a single value$/ },
  { line: (index) => badOutbound(index, { text: { body: 'hi' } }), reason: /^text is a JSON object, not a single value$/ },
  { line: (index) => badOutbound(index, { to: 91981111222233334444 }), reason: /^to .* is a number too large to keep exactly/ },
  { line: (index) => badOutbound(index, { wamid: undefined, text: `no id ${index}` }), reason: /^wamid is missing$/ },
];

function badOutbound(index: number, changes: Record<string, unknown>): string {
  return JSON.stringify({ ...WELL_FORMED.outbound, wamid: `wamid.bad.${index}`, ...changes });
}

const BAD_CSV_BASE: Outbound = {
  wamid: '', phone_number_id: '800000000000001', to: '919811112222', sent_at: { text: 'tomorrow', epochMs: 0 }, author_kind: 'agent',
  agent_id: 'a_priya', type: 'text', template_name: null, text: 'Hello',
};

const OUTBOUND_COLUMNS = ['wamid', 'phone_number_id', 'to', 'sent_at', 'author_kind', 'agent_id', 'type', 'template_name', 'text'] as const;

function csvField(value: string | null): string {
  return value === null ? '' : `"${value.replaceAll('"', '""')}"`;
}

function csvRow(record: Outbound): string {
  const values = { ...record, phone_number_id: String(record.phone_number_id), sent_at: record.sent_at.text };
  return OUTBOUND_COLUMNS.map((column) => csvField(values[column])).join(',');
}

/** How a good record reads back from raw_outbound_messages. */
function expectedRow(record: Outbound, format: 'csv' | 'ndjson') {
  // An empty CSV field is a missing value; in JSON an empty string stays one.
  const text = (value: string | null) => (value === null || (format === 'csv' && value === '') ? null : asUtf8(value));
  return {
    wamid: asUtf8(record.wamid),
    phone_number_id: String(record.phone_number_id),
    to_wa_id: record.to,
    sent_ms: record.sent_at.epochMs,
    author_kind: record.author_kind,
    agent_id: text(record.agent_id),
    message_type: record.type,
    template_name: text(record.template_name),
    text: text(record.text),
  };
}

describe('an outbound file with any mix of good and bad records (NDJSON or CSV, plain or gzip)', () => {
  it('loads every good record exactly as written, once, and quarantines each bad one with its line and reason', async () => {
    const entry = (index: number) =>
      fc.oneof(
        { weight: 3, arbitrary: outbound(index).map((record) => ({ good: record })) },
        { weight: 1, arbitrary: fc.nat(BAD_NDJSON.length - 1).map((bad) => ({ bad })) },
      );
    const file = fc.record({
      format: fc.constantFrom('ndjson' as const, 'csv' as const),
      gzip: fc.boolean(),
      bom: fc.boolean(),
      entries: fc.integer({ min: 1, max: 10 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => entry(index)))),
    });
    await fc.assert(
      fc.asyncProperty(file, async ({ format, gzip, bom, entries }) => {
        const goods = entries.flatMap((entry) => ('good' in entry ? [entry.good] : []));
        let text: string;
        const badLines = new Map<number, RegExp>();
        if (format === 'ndjson') {
          text = entries
            .map((entry, index) => {
              if ('good' in entry) return JSON.stringify({ ...entry.good, sent_at: entry.good.sent_at.text });
              badLines.set(index + 1, BAD_NDJSON[entry.bad]!.reason);
              return BAD_NDJSON[entry.bad]!.line(index);
            })
            .join('\n');
        } else {
          // Bad CSV rows: too many fields, or a time that does not exist; the reason names them.
          text = [OUTBOUND_COLUMNS.join(','), ...entries.map((entry, index) =>
            'good' in entry ? csvRow(entry.good) : entry.bad % 2 === 0 ? `"wamid.bad.${index}",x,y` : csvRow({ ...BAD_CSV_BASE, wamid: `wamid.bad.${index}` }),
          )].join('\n');
        }
        const bytes = Buffer.from((bom ? '\ufeff' : '') + text + '\n', 'utf8');
        const { paths, landed, load } = await ingest('outbound', `outbound.${format}`, gzip ? gzipSync(bytes) : bytes);

        expect(load.failed).toEqual([]);
        expect(landed.accepted).toBe(goods.length);
        expect(landed.quarantined).toBe(entries.length - goods.length);
        const rows = await textsOf(
          paths.raw,
          `select encode(wamid) as wamid, phone_number_id, to_wa_id, epoch_ms(sent_at) as sent_ms, author_kind, encode(agent_id) as agent_id,
             message_type, encode(template_name) as template_name, encode(text) as text
           from raw_outbound_messages`,
        );
        const byWamid = (a: Record<string, unknown>, b: Record<string, unknown>) => (String(a.wamid) < String(b.wamid) ? -1 : 1);
        expect(rows.sort(byWamid)).toEqual(goods.map((record) => expectedRow(record, format)).sort(byWamid));

        const quarantined = await quarantineOf(paths);
        expect(quarantined).toHaveLength(entries.length - goods.length);
        if (format === 'ndjson') {
          expect(quarantined.map((row) => row.source_line)).toEqual([...badLines.keys()]);
          for (const row of quarantined) expect(row.reason).toMatch(badLines.get(Number(row.source_line))!);
        } else {
          // Each bad row is quarantined once, found by its id (CSV line numbers count a quoted
          // line break as a line, so they are not compared here).
          entries.forEach((entry, index) => {
            if ('good' in entry) return;
            const mine = quarantined.filter((row) => String(row.record_text).includes(`wamid.bad.${index}"`));
            expect(mine).toHaveLength(1);
            expect(mine[0]!.reason).toMatch(entry.bad % 2 === 0 ? /^has 3 fields; the header has 9$/ : /^sent_at "tomorrow" is not an ISO 8601 time/);
          });
        }
      }),
      E2E_RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** Values of a record the contract may accept but DuckDB must still store (or quarantine) without failing the load. */
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  instant: fc.oneof(
    instant.map((value) => value.text),
    fc.constantFrom(
      '2024-02-29T23:59:59.999999999-03:00', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59+14:00', '2026-11-27T10:00+0530',
      '2026-11-27T10:00:00-00:00', '2026-02-30T10:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T10:00:60Z', '1969-12-31T23:59:59Z',
    ),
  ),
  number: fc.oneof(
    fc.constantFrom('30', '30.0', '1e3', '-1', '0', '100000', '100001', '₹1,50,000', 'Rs.2,00,000.50', '0.005', '999999999999999.99', '1e15', '1e16'),
    fc.double({ min: -1, max: 2e15, noNaN: true }),
    fc.integer(),
  ),
  flag: fc.constantFrom('yes', 'No', 'TRUE', '1', '0', 'n', 'maybe', true, false, 1),
  enum: fc.constantFrom('agent', 'Sales', 'owner', 'won', 'none', 'assigned', 'disposition', 'handoff_note', 'escalated', 'bot', ''),
  text: fc.option(hostileText({ loneSurrogates: true }), { freq: 6 }),
};

const FIELD_KIND: Record<string, keyof typeof plausible> = {
  sent_at: 'instant', at: 'instant', created_at: 'instant', updated_at: 'instant', closed_at: 'instant', next_action_at: 'instant',
  capacity: 'number', amount_inr: 'number', active: 'flag',
  author_kind: 'enum', type: 'enum', role: 'enum', disposition: 'enum', next_action: 'enum',
};

describe('a file of any tabular kind with odd but plausible values', () => {
  it('puts every record in exactly one place, its raw table or raw_quarantine with a reason, and fails no load', async () => {
    const file = fc
      .record({ kind: fc.constantFrom(...TABULAR_KINDS), format: fc.constantFrom('ndjson' as const, 'csv' as const), count: fc.integer({ min: 1, max: 10 }) })
      .chain(({ kind, format, count }) => {
        const fields = Object.keys(WELL_FORMED[kind]);
        const record = (index: number) =>
          fc
            .array(fc.constantFrom(...fields.filter((field) => field !== KEY_FIELD[kind])), { maxLength: 3 })
            .chain((changed) => fc.tuple(...changed.map((field) => plausible[FIELD_KIND[field] ?? 'text']!)).map((values) => ({ changed, values })))
            .map(({ changed, values }) => {
              const value: Record<string, unknown> = { ...WELL_FORMED[kind], [KEY_FIELD[kind]]: `k${index}` };
              changed.forEach((field, position) => (value[field] = values[position]));
              return value;
            });
        return fc.record({
          kind: fc.constant(kind),
          format: fc.constant(format),
          records: fc.tuple(...Array.from({ length: count }, (_, index) => record(index))),
        });
      });
    await fc.assert(
      fc.asyncProperty(file, async ({ kind, format, records }) => {
        const fields = Object.keys(WELL_FORMED[kind]);
        const text =
          format === 'ndjson'
            ? records.map((record) => JSON.stringify(record)).join('\n')
            : [fields.join(','), ...records.map((record) => fields.map((field) => csvField(record[field] == null ? null : String(record[field]))).join(','))].join('\n');
        const { paths, landed, load } = await ingest(kind, `${kind}.${format}`, `${text}\n`);
        expect(load.failed).toEqual([]);
        const key = KEY_FIELD[kind];
        const loaded = await queryFile(paths.raw, `select ${key} as k, count(*) as n from ${TABULAR_LOADS[kind]!.table} group by 1`);
        const quarantined = await quarantineOf(paths);
        expect(loaded.every((row) => row.n === 1)).toBe(true);
        expect(quarantined.every((row) => String(row.reason).trim() !== '')).toBe(true);
        const loadedKeys = new Set(loaded.map((row) => row.k));
        records.forEach((_, index) => {
          const inQuarantine = quarantined.filter((row) => String(row.record_text).includes(`"k${index}"`));
          expect([loadedKeys.has(`k${index}`), inQuarantine.length]).toSatisfy(
            ([isLoaded, quarantines]: [boolean, number]) => (isLoaded ? quarantines === 0 : quarantines === 1),
          );
        });
        expect(landed.accepted + landed.quarantined).toBe(records.length);
      }),
      E2E_RUNS,
    );
  });
});
