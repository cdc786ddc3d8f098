import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { OUTBOUND_RECORD } from '../helpers/outbound-record.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function setup(name: string, content: string | Buffer): { data: string; file: string } {
  const data = tempDir();
  const file = join(data, name);
  writeFileSync(file, content);
  return { data, file };
}

describe('bad input to `replywatch ingest`', () => {
  it('names a missing file in one line and exits non-zero', async () => {
    const data = tempDir();
    const result = await runCli(['--data', data, 'ingest', 'outbound', join(data, 'nope.ndjson')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(`replywatch: ${join(data, 'nope.ndjson')}: no such file`);
  });

  it('names an unknown kind and lists the kinds', async () => {
    const { data, file } = setup('x.ndjson', '{}\n');
    const result = await runCli(['--data', data, 'ingest', 'tickets', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      'replywatch: unknown kind "tickets"; expected one of: whatsapp, outbound, inbox, roster, crm-contacts, crm-deals',
    );
  });

  it('rejects a CSV whose header lacks columns, naming the file, line and columns, without a stack trace', async () => {
    const { data, file } = setup('roster.csv', 'agent,name,role\na1,Asha,sales\n');
    const result = await runCli(['--data', data, 'ingest', 'roster', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`replywatch: ${file}:1: the header lacks columns agent_id, team, capacity, active (it has: agent, name, role)`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await queryFile(dataPaths(data).raw, 'select count(*) as n from raw_roster').catch(() => [{ n: 0 }])).toEqual([{ n: 0 }]);
  });

  it('quarantines a line that is not JSON, with file and line, exits 2, and still loads the good lines', async () => {
    const good2 = { ...OUTBOUND_RECORD, wamid: 'wamid.OK2' };
    const { data, file } = setup('outbound.ndjson', `${JSON.stringify(OUTBOUND_RECORD)}\n{"wamid": "wamid.BROKEN",\n${JSON.stringify(good2)}\n`);
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:2: not JSON`);
    expect(result.stderr).toContain('2 accepted, 1 quarantined');
    expect(result.stderr).toContain('replywatch: 1 record(s) quarantined; the good ones loaded (see raw_quarantine)');
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, 'select wamid from raw_outbound_messages order by wamid')).toEqual([{ wamid: 'wamid.OK1' }, { wamid: 'wamid.OK2' }]);
    const [quarantined] = await queryFile(raw, 'select kind, source_line, reason, record_text from raw_quarantine');
    expect(quarantined).toMatchObject({ kind: 'outbound', source_line: 2, record_text: '{"wamid": "wamid.BROKEN",' });
    expect(String(quarantined?.reason)).toMatch(/^not JSON/);
  });

  it('quarantines records that break the contract, each with its reason', async () => {
    const lines = [
      OUTBOUND_RECORD,
      { ...OUTBOUND_RECORD, wamid: 'wamid.NOTIME', sent_at: 'yesterday' },
      { ...OUTBOUND_RECORD, wamid: 'wamid.NOAGENT', agent_id: null },
    ];
    const { data, file } = setup('outbound.ndjson', lines.map((line) => JSON.stringify(line)).join('\n'));
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:2: sent_at "yesterday" is not an ISO 8601 time with an offset`);
    expect(result.stderr).toContain(`quarantined ${file}:3: agent_id is missing on a message by an agent`);
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, 'select count(*) as n from raw_outbound_messages')).toEqual([{ n: 1 }]);
    expect(await queryFile(raw, 'select count(*) as n from raw_quarantine')).toEqual([{ n: 2 }]);
  });

  it('quarantines a webhook body that is not a WhatsApp Business Account object', async () => {
    const { data, file } = setup('hooks.ndjson', '{"object":"page","entry":[]}\n');
    const result = await runCli(['--data', data, 'ingest', 'whatsapp', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:1: object is "page", not "whatsapp_business_account"`);
  });

  it('refuses a time that does not exist, which a lenient parser would roll over', async () => {
    const { data, file } = setup('outbound.ndjson', JSON.stringify({ ...OUTBOUND_RECORD, sent_at: '2026-02-30T10:00:00+05:30' }));
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:1: sent_at "2026-02-30T10:00:00+05:30" is not an ISO 8601 time with an offset`);
  });

  it('reports parts of a webhook batch it quarantined while loading, and loads the rest', async () => {
    const data = tempDir();
    const file = join(import.meta.dirname, '..', 'fixtures', 'whatsapp', 'batch-with-bad-updates.ndjson');
    const result = await runCli(['--data', data, 'ingest', 'whatsapp', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:1: message without an id`);
    expect(result.stderr).toContain(`quarantined ${file}:1: status without a message id`);
    expect(result.stderr).toContain('replywatch: 3 record(s) quarantined');
    expect(await queryFile(dataPaths(data).raw, 'select count(*) as n from raw_whatsapp_messages')).toEqual([{ n: 2 }]);
  });

  it('refuses a WhatsApp file given as CSV', async () => {
    const { data, file } = setup('hooks.csv', 'a\n1\n');
    const result = await runCli(['--data', data, 'ingest', 'whatsapp', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(`replywatch: ${file}: whatsapp records come as ndjson, not csv`);
  });
});

describe('hostile input to `replywatch ingest`', () => {
  const META = { display_phone_number: '919800000001', phone_number_id: '800000000000001' };
  const hook = (value: Record<string, unknown>) =>
    JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '900000000000001', changes: [{ field: 'messages', value: { metadata: META, ...value } }] }] });
  const message = (id: string, body: string, extra: Record<string, unknown> = {}) => ({ from: '919811112222', id, timestamp: '1751400000', type: 'text', text: { body }, ...extra });
  /** Text as stored, byte for byte (DuckDB's Node client would drop a leading U+FEFF). */
  const utf8 = (value: unknown) => Buffer.from(value as Uint8Array).toString('utf8');

  it('loads every good update of a webhook file full of hostile bodies and quarantines each bad one, exit 2', async () => {
    const batch = Array.from({ length: 1000 }, (_, index) =>
      index === 500 ? message('wamid.FAR', 'far', { timestamp: '-99999999999999' }) : message(`wamid.B${index}`, `batch ${index}`),
    );
    const lines = [
      hook({ messages: [message('wamid.FIRST', 'after a byte-order mark')] }),
      hook({ messages: batch }),
      hook({ messages: [null, message('wamid.BESIDE_NULL', 'beside a null')] }),
      hook({ contacts: [{ profile: { name: 'Asha PLACEHOLDER' }, wa_id: '919811112222' }], messages: [message('wamid.HALF', 'ok PLACEHOLDER')] }).replaceAll('PLACEHOLDER', '\\ud83d'),
      hook({ messages: [message('wamid.DEEP', 'deep')] }).replace('"deep"}', `"deep"},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      hook({ messages: [message('wamid.NUMBERS', 'numbers', { from: 919811113333, timestamp: 1751400000 })] }),
      hook({ contacts: [{ profile: { name: 'Meera', username: 'meera.k' }, user_id: 'IN.9990001' }], messages: [{ from_user_id: 'IN.9990001', id: 'wamid.BSUID', timestamp: '1751400000', type: 'text', text: { body: 'hi' } }] }),
      hook({ contacts: [{ profile: { name: '\u202eAsha\u202c 👩🏽‍💻 🇮🇳' }, wa_id: '919811114444' }], messages: [message('wamid.MARKS', '\u200fنعم\u200f 🙏', { from: '919811114444' })] }),
    ];
    const { data, file } = setup('hooks.ndjson', `\ufeff${lines.join('\n')}\n`);
    const result = await runCli(['--data', data, 'ingest', 'whatsapp', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:2: message wamid.FAR timestamp "-99999999999999" is not Unix seconds`);
    expect(result.stderr).toContain(`quarantined ${file}:3: message without an id`);
    expect(result.stderr).toContain('replywatch: 2 record(s) quarantined; the good ones loaded (see raw_quarantine)');
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, 'select count(*) as webhooks from raw_whatsapp_webhooks')).toEqual([{ webhooks: 8 }]);
    expect(await queryFile(raw, 'select count(*) as n, count(distinct wamid) as ids from raw_whatsapp_messages')).toEqual([{ n: 999 + 7, ids: 999 + 7 }]);
    const picked = await queryFile(
      raw,
      `select wamid, from_wa_id, from_user_id, encode(text_body) as body from raw_whatsapp_messages
       where wamid in ('wamid.FIRST', 'wamid.HALF', 'wamid.NUMBERS', 'wamid.BSUID', 'wamid.MARKS') order by wamid`,
    );
    expect(picked.map((row) => [row.wamid, row.from_wa_id, row.from_user_id, utf8(row.body)])).toEqual([
      ['wamid.BSUID', null, 'IN.9990001', 'hi'],
      ['wamid.FIRST', '919811112222', null, 'after a byte-order mark'],
      ['wamid.HALF', '919811112222', null, 'ok \ufffd'],
      ['wamid.MARKS', '919811114444', null, '\u200fنعم\u200f 🙏'],
      ['wamid.NUMBERS', '919811113333', null, 'numbers'],
    ]);
    const names = await queryFile(raw, "select wa_id, user_id, username, encode(profile_name) as name from raw_whatsapp_contacts order by coalesce(wa_id, user_id)");
    expect(names.map((row) => [row.wa_id ?? row.user_id, row.username, utf8(row.name)])).toEqual([
      ['919811112222', null, 'Asha \ufffd'],
      ['919811114444', null, '\u202eAsha\u202c 👩🏽‍💻 🇮🇳'],
      ['IN.9990001', 'meera.k', 'Meera'],
    ]);
  });

  it('loads the good records of an outbound file with a byte-order mark, bytes that are not UTF-8, nesting and numbers', async () => {
    const line = (wamid: string, changes: Record<string, unknown> = {}) => JSON.stringify({ ...OUTBOUND_RECORD, wamid, ...changes });
    const [beforeE, afterE] = line('wamid.LATIN1', { text: 'caf#' }).split('#');
    const content = Buffer.concat([
      Buffer.from(`\ufeff${line('wamid.BOM')}\n`),
      // "café" as Windows-1252 writes it: the é is not UTF-8 and reads as U+FFFD.
      Buffer.from(beforeE!),
      Buffer.from([0xe9]),
      Buffer.from(`${afterE}\n`),
      Buffer.from(`${line('wamid.HALF', { text: 'ok PLACEHOLDER' }).replace('PLACEHOLDER', '\\ud83d')}\n`),
      Buffer.from(`${line('wamid.DEEP').replace('"text":"Hello"', `"text":${'['.repeat(50_000)}${']'.repeat(50_000)}`)}\n`),
      Buffer.from(`${line('wamid.HUGE_NUMBER').replace('"to":"919811112222"', '"to":91981111222233334444')}\n`),
      Buffer.from(`${line('wamid.NUMBER').replace('"phone_number_id":"800000000000001"', '"phone_number_id":800000000000001')}\n`),
      Buffer.from(`${line('wamid.CONTROL', { text: 'a\u0000b\u202ec\u2028d' })}\n`),
    ]);
    const { data, file } = setup('outbound.ndjson', content);
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:4: text is a JSON list, not a single value`);
    expect(result.stderr).toContain(`quarantined ${file}:5: to 91981111222233330000 is a number too large to keep exactly; write it as a string`);
    expect(result.stderr).toContain('5 accepted, 2 quarantined');
    const rows = await queryFile(dataPaths(data).raw, 'select wamid, phone_number_id, encode(text) as text from raw_outbound_messages order by wamid');
    expect(rows.map((row) => [row.wamid, row.phone_number_id, utf8(row.text)])).toEqual([
      ['wamid.BOM', '800000000000001', 'Hello'],
      ['wamid.CONTROL', '800000000000001', 'a\u0000b\u202ec\u2028d'],
      ['wamid.HALF', '800000000000001', 'ok \ufffd'],
      ['wamid.LATIN1', '800000000000001', 'caf\ufffd'],
      ['wamid.NUMBER', '800000000000001', 'Hello'],
    ]);
  });

  it('loads every row of a CSV export with stray quotes, CRLF line ends, a NUL and a Windows-1252 byte', async () => {
    const header = 'wamid,phone_number_id,to,sent_at,author_kind,agent_id,type,template_name,text\r\n';
    const row = (wamid: string, text: string) => `${wamid},800000000000001,919811112222,2026-11-27T10:00:00+05:30,automation,,text,,${text}\r\n`;
    const [beforeE, afterE] = row('w5', 'caf#').split('#');
    const content = Buffer.concat([
      Buffer.from(header + row('w1', 'Asha "the topper" Rao') + row('w2', '"5" screen"') + row('w3', '"two\r\nlines, one field"') + row('w4', 'nul\u0000here')),
      Buffer.from(beforeE!),
      Buffer.from([0xe9]),
      Buffer.from(afterE!),
      Buffer.from(row('w6', 'plain')),
    ]);
    const { data, file } = setup('outbound.csv', content);
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.stderr).toContain('6 accepted, 0 quarantined');
    expect(result.code).toBe(0);
    const rows = await queryFile(dataPaths(data).raw, 'select wamid, encode(text) as text from raw_outbound_messages order by wamid');
    expect(rows.map((row) => [row.wamid, utf8(row.text)])).toEqual([
      // A stray quote is text, kept as written; before, the parser lost its place and swallowed the rows after it.
      ['w1', 'Asha "the topper" Rao'],
      ['w2', '"5" screen"'],
      ['w3', 'two\r\nlines, one field'],
      ['w4', 'nul\u0000here'],
      ['w5', 'caf\ufffd'],
      ['w6', 'plain'],
    ]);
  });

  it('quarantines a record over 16 MiB counted in bytes though not in characters, and loads its neighbours', async () => {
    const huge = JSON.stringify({ ...OUTBOUND_RECORD, wamid: 'wamid.HUGE', text: 'ह'.repeat(6 << 20) }); // 6 Mi characters, 18 MiB
    const { data, file } = setup('outbound.ndjson', [JSON.stringify(OUTBOUND_RECORD), huge, JSON.stringify({ ...OUTBOUND_RECORD, wamid: 'wamid.OK2' })].join('\n'));
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:2: record is larger than 16 MiB`);
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, 'select wamid from raw_outbound_messages order by wamid')).toEqual([{ wamid: 'wamid.OK1' }, { wamid: 'wamid.OK2' }]);
    expect(await queryFile(raw, 'select source_line, length(record_text) as kept from raw_quarantine')).toEqual([{ source_line: 2, kept: 1024 }]);
  });
});
