import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import type { DataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { signedPost, webhookApp } from '../helpers/webhook-app.ts';
import { webhookBody } from '../helpers/webhook-body.ts';

// Hostile webhook bodies through the real receiver and the real load: each is answered, and
// whatever it holds, the good updates in it and in every body beside it load once.

function text(id: string, body: unknown, from: unknown = '919811112222', timestamp: unknown = '1751400000'): Record<string, unknown> {
  return { from, id, timestamp, type: 'text', text: { body } };
}

const bodyOf = (value: Record<string, unknown>) => JSON.stringify(webhookBody(value));
/** A good body posted beside the hostile ones: it must load whatever they do. */
const NEIGHBOUR = bodyOf({ messages: [text('wamid.NEIGHBOUR', 'still here')] });

/** Posts each body, then loads what landed; returns the answers and the load summary. */
async function postAll(bodies: Array<string | Buffer>): Promise<{ statuses: number[]; paths: DataPaths; failed: unknown[] }> {
  const { app, paths } = await webhookApp();
  const statuses: number[] = [];
  for (const body of [...bodies, NEIGHBOUR]) statuses.push((await signedPost(app, body)).statusCode);
  await app.close();
  const load = await loadPendingSegments(paths, { quiet: true });
  return { statuses, paths, failed: load.failed };
}

const rows = (paths: DataPaths, sql: string) => queryFile(paths.raw, sql);
/** Text as stored, compared byte for byte (DuckDB's Node client would drop a leading U+FEFF). */
const utf8 = (value: unknown) => Buffer.from(value as Uint8Array).toString('utf8');

describe('a batch of 1000 updates with one bad update', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['a message without an id', { from: '919811112222', timestamp: '1751400000', type: 'text', text: { body: 'no id' } }, /^message without an id$/],
    ['a time out of any calendar', text('wamid.FAR', 'far', '919811112222', '-99999999999999'), /^message wamid\.FAR timestamp "-99999999999999" is not Unix seconds$/],
    ['a null', null, /^message without an id$/],
    ['a number', 42, /^message without an id$/],
  ];
  it.each(bad)('with %s: 200, the 999 others and the bodies beside it load, the bad one is quarantined with its reason', async (_, update, reason) => {
    const messages = Array.from({ length: 1000 }, (_, index) => (index === 500 ? update : text(`wamid.B${index}`, `message ${index}`, '919811112222', String(1751400000 + index))));
    const { statuses, paths, failed } = await postAll([bodyOf({ messages })]);
    expect(statuses).toEqual([200, 200]);
    expect(failed).toEqual([]);
    expect(await rows(paths, 'select count(*) as n, count(distinct wamid) as distinct_ids from raw_whatsapp_messages')).toEqual([{ n: 1000, distinct_ids: 1000 }]);
    expect(await rows(paths, "select count(*) as n from raw_whatsapp_messages where wamid = 'wamid.NEIGHBOUR'")).toEqual([{ n: 1 }]);
    const quarantined = await rows(paths, 'select reason, source from raw_quarantine');
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ reason: expect.stringMatching(reason), source: 'webhook' });
  });
});

describe('deeply nested JSON', () => {
  it('loads a message carrying 100 000 levels of nesting, and refuses a body that is nesting only', async () => {
    const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const nestedField = bodyOf({ messages: [text('wamid.DEEP1', 'deep inside')] }).replace('"deep inside"}', `"deep inside"},"extra":${deep(100_000)}`);
    const nestedText = bodyOf({ messages: [text('wamid.DEEP2', 'PLACEHOLDER')] }).replace('"PLACEHOLDER"', deep(10_000));
    const nestingOnly = deep(1_000_000);
    const { statuses, paths, failed } = await postAll([nestedField, nestedText, nestingOnly]);
    expect(statuses).toEqual([200, 200, 400, 200]);
    expect(failed).toEqual([]);
    expect(await rows(paths, 'select wamid, length(text_body) as characters from raw_whatsapp_messages order by wamid')).toEqual([
      { wamid: 'wamid.DEEP1', characters: 'deep inside'.length },
      // A list where the text should be is kept as its JSON text, as a number would be.
      { wamid: 'wamid.DEEP2', characters: 20_000 },
      { wamid: 'wamid.NEIGHBOUR', characters: 'still here'.length },
    ]);
    expect(await rows(paths, 'select count(*) as n from raw_whatsapp_webhooks')).toEqual([{ n: 3 }]);
  });
});

describe('huge strings', () => {
  it('loads a 3.4 MB Devanagari message and a name of 10 000 emoji exactly, under the 4 MiB body limit', async () => {
    const long = 'नमस्ते '.repeat(180_000); // 7 characters, 19 bytes each time
    const name = '👩🏽‍💻'.repeat(10_000);
    const body = bodyOf({ contacts: [{ profile: { name }, wa_id: '919811112222' }], messages: [text('wamid.LONG', long)] });
    expect(Buffer.byteLength(body)).toBeGreaterThan(3_500_000);
    const { statuses, paths, failed } = await postAll([body]);
    expect(statuses).toEqual([200, 200]);
    expect(failed).toEqual([]);
    const [message] = await rows(paths, "select length(text_body) as characters, md5(text_body) as digest from raw_whatsapp_messages where wamid = 'wamid.LONG'");
    expect(message).toEqual({ characters: long.length, digest: createHash('md5').update(long).digest('hex') });
    const [contact] = await rows(paths, "select strlen(profile_name) as bytes from raw_whatsapp_contacts where wa_id = '919811112222'");
    expect(contact?.bytes).toBe(Buffer.byteLength(name));
  });
});

describe('bytes that are not UTF-8', () => {
  const good = Buffer.from(bodyOf({ messages: [text('wamid.BYTES', 'AB')] }));
  const at = good.indexOf('AB');
  const spliced = (bytes: number[]) => Buffer.concat([good.subarray(0, at + 1), Buffer.from(bytes), good.subarray(at + 1)]);
  it('refuses each with 400 and lands nothing, while the next good body loads', async () => {
    const cases = [
      [0xff], // never valid
      [0xc0, 0xaf], // an overlong "/"
      [0xe0, 0xa4], // the first two of three bytes of a Devanagari letter
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate encoded as UTF-8 (CESU-8)
      [0xe9], // é in Windows-1252
    ];
    const { statuses, paths, failed } = await postAll(cases.map(spliced));
    expect(statuses).toEqual([400, 400, 400, 400, 400, 200]);
    expect(failed).toEqual([]);
    expect(await rows(paths, 'select wamid from raw_whatsapp_messages')).toEqual([{ wamid: 'wamid.NEIGHBOUR' }]);
  });

  it('loads a JSON-escaped half of an emoji as U+FFFD, and the bodies landed beside it', async () => {
    // JSON.parse takes "\ud83d" but DuckDB refuses the whole landing segment holding it.
    const broken = bodyOf({ contacts: [{ profile: { name: 'Asha PLACEHOLDER' }, wa_id: '919811112222' }], messages: [text('wamid.HALF', 'ok PLACEHOLDER')] }).replaceAll('PLACEHOLDER', '\\ud83d');
    const { statuses, paths, failed } = await postAll([broken, broken]);
    expect(statuses).toEqual([200, 200, 200]);
    expect(failed).toEqual([]);
    const messages = await rows(paths, 'select wamid, encode(text_body) as body from raw_whatsapp_messages order by wamid');
    expect(messages.map((row) => [row.wamid, utf8(row.body)])).toEqual([['wamid.HALF', 'ok \ufffd'], ['wamid.NEIGHBOUR', 'still here']]);
    const [contact] = await rows(paths, "select encode(profile_name) as name from raw_whatsapp_contacts where wa_id = '919811112222'");
    expect(utf8(contact?.name)).toBe('Asha \ufffd');
    // The retry is the same webhook: identified by the bytes Meta signed.
    expect(await rows(paths, 'select count(*) as n from raw_whatsapp_webhooks')).toEqual([{ n: 2 }]);
  });
});

describe('numbers where strings belong', () => {
  it('keeps every digit of ids, phone numbers and times sent as JSON numbers', async () => {
    const body = JSON.stringify(
      webhookBody({
        contacts: [{ profile: { name: 'Asha' }, wa_id: 919811112222 }],
        messages: [text('PLACEHOLDER', 'numbers', 919811112222, 1751400000)],
        statuses: [{ id: 'wamid.N2', status: 'read', timestamp: 1751400001, recipient_id: 919811112222 }],
      }),
    )
      .replace('"PLACEHOLDER"', '12345678901234567890123')
      .replace('"phone_number_id":"800000000000001"', '"phone_number_id":800000000000001');
    const { statuses, paths, failed } = await postAll([body]);
    expect(statuses).toEqual([200, 200]);
    expect(failed).toEqual([]);
    expect(await rows(paths, "select wamid, from_wa_id, phone_number_id, epoch(sent_at) as at from raw_whatsapp_messages where text_body = 'numbers'")).toEqual([
      { wamid: '12345678901234567890123', from_wa_id: '919811112222', phone_number_id: '800000000000001', at: 1751400000 },
    ]);
    expect(await rows(paths, 'select wamid, recipient_wa_id, epoch(status_at) as at from raw_whatsapp_statuses')).toEqual([
      { wamid: 'wamid.N2', recipient_wa_id: '919811112222', at: 1751400001 },
    ]);
    expect(await rows(paths, "select wa_id from raw_whatsapp_contacts where profile_name = 'Asha'")).toEqual([{ wa_id: '919811112222' }]);
  });
});

describe('a contact without a wa_id', () => {
  it('loads a message and a contact known only by business-scoped user id and username', async () => {
    const body = bodyOf({
      contacts: [
        { profile: { name: 'Meera', username: 'meera.k' }, user_id: 'IN.9990001' },
        { profile: { username: 'only.a.username' } },
      ],
      messages: [{ from_user_id: 'IN.9990001', id: 'wamid.BSUID', timestamp: '1751400000', type: 'text', text: { body: 'hello' } }],
    });
    const { statuses, paths, failed } = await postAll([body]);
    expect(statuses).toEqual([200, 200]);
    expect(failed).toEqual([]);
    expect(await rows(paths, "select from_wa_id, from_user_id from raw_whatsapp_messages where wamid = 'wamid.BSUID'")).toEqual([
      { from_wa_id: null, from_user_id: 'IN.9990001' },
    ]);
    expect(await rows(paths, 'select wa_id, user_id, username, profile_name from raw_whatsapp_contacts where wa_id is null order by username')).toEqual([
      { wa_id: null, user_id: 'IN.9990001', username: 'meera.k', profile_name: 'Meera' },
      { wa_id: null, user_id: null, username: 'only.a.username', profile_name: null },
    ]);
  });
});

describe('names and texts with direction marks and emoji', () => {
  it('keeps them byte for byte', async () => {
    const names = ['\u202eAsha\u202c', '\u200fمحمد علي\u200f', '👩🏽‍💻 Priya 🇮🇳', '\ufeffBOM first', 'Z̴̡a̷l̶g̸o', 'नमस्ते\u200dजी'];
    const body = bodyOf({
      contacts: names.map((name, index) => ({ profile: { name }, wa_id: `91981111000${index}` })),
      messages: names.map((name, index) => text(`wamid.NAME${index}`, `${name} \u2066wrote\u2069 🙏`, `91981111000${index}`)),
    });
    const { statuses, paths, failed } = await postAll([body]);
    expect(statuses).toEqual([200, 200]);
    expect(failed).toEqual([]);
    const contacts = await rows(paths, "select wa_id, encode(profile_name) as name from raw_whatsapp_contacts where wa_id like '91981111000%' order by wa_id");
    expect(contacts.map((row) => utf8(row.name))).toEqual(names);
    const messages = await rows(paths, "select encode(text_body) as body from raw_whatsapp_messages where wamid like 'wamid.NAME%' order by wamid");
    expect(messages.map((row) => utf8(row.body))).toEqual(names.map((name) => `${name} \u2066wrote\u2069 🙏`));
  });
});
