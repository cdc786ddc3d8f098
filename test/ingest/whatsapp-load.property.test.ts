import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { landFile } from '../../ingest/landing/land-file.ts';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { asUtf8, hostileText } from '../helpers/hostile-text.ts';
import { queryFile } from '../helpers/read-db.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { signedPost, webhookApp } from '../helpers/webhook-app.ts';

// Property test of WhatsApp webhook bodies from the receiver (or `ingest whatsapp`) to the raw
// tables: in any batch, every good message, status and contact loads once with its text as sent,
// every bad update is quarantined with a reason, and the load itself never fails.

const PHONE_NUMBER_ID = '800000000000001';
const T0 = 1_751_400_000;

interface Expected {
  messages: Map<string, { from: string | null; userId: string | null; text: string | null; sentMs: number }>;
  statuses: Set<string>;
  contacts: Map<string, string | null>;
  /** Bad updates, each with a text only it holds and the reason it must be quarantined with. */
  bad: Array<{ marker: string; reason: RegExp }>;
  /** Bad updates that carry no text of their own (`null`, `7`): one quarantine row each kind. */
  bare: Set<string>;
}

type Update =
  | { kind: 'message'; id: string; from: string | null; userId: string | null; timestamp: string | number; sentMs: number; text: string | null }
  | { kind: 'bad-message'; variant: number }
  | { kind: 'status'; id: string; status: string; timestamp: string }
  | { kind: 'bad-status'; variant: number }
  | { kind: 'contact'; waId: string | null; userId: string | null; username: string | null; name: string | null }
  | { kind: 'bare'; value: null | number; list: 'messages' | 'statuses' };

/** Bad messages and statuses, as Meta never sends them but a relay or a bug might. */
const BAD_MESSAGES: Array<{ make: (marker: string) => Record<string, unknown>; reason: RegExp }> = [
  { make: (marker) => ({ from: '919811112222', timestamp: String(T0), type: 'text', text: { body: marker } }), reason: /^message without an id$/ },
  { make: (marker) => ({ id: '', from: '919811112222', timestamp: String(T0), type: 'text', text: { body: marker } }), reason: /^message without an id$/ },
  { make: (marker) => ({ id: marker, from: '919811112222', timestamp: String(T0), text: { body: 'x' } }), reason: /^message \S+ without a type$/ },
  { make: (marker) => ({ id: marker, from: '919811112222', timestamp: 'yesterday', type: 'text' }), reason: /^message \S+ timestamp "yesterday" is not Unix seconds$/ },
  { make: (marker) => ({ id: marker, from: '919811112222', type: 'text' }), reason: /^message \S+ timestamp missing is not Unix seconds$/ },
  // Out of DuckDB's range: once a conversion error that failed the load of every body beside it.
  { make: (marker) => ({ id: marker, from: '919811112222', timestamp: '-99999999999999', type: 'text' }), reason: /^message \S+ timestamp "-99999999999999" is not Unix seconds$/ },
  { make: (marker) => ({ id: marker, from: '919811112222', timestamp: '99999999999999999', type: 'text' }), reason: /is not Unix seconds$/ },
];
const BAD_STATUSES: Array<{ make: (marker: string) => Record<string, unknown>; reason: RegExp }> = [
  { make: (marker) => ({ status: 'read', timestamp: String(T0), recipient_id: marker }), reason: /^status without a message id$/ },
  { make: (marker) => ({ id: marker, timestamp: String(T0), recipient_id: '919811112222' }), reason: /^status of \S+ without a status value$/ },
  { make: (marker) => ({ id: marker, status: 'read', timestamp: '-99999999999999', recipient_id: '919811112222' }), reason: /^status of \S+ timestamp "-99999999999999" is not Unix seconds$/ },
];

/** One update; `n` makes its ids unique within the run. */
const update = (n: number): fc.Arbitrary<Update> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({
          // A contact known by phone number, or (2026) only by business-scoped user id.
          sender: fc.oneof(fc.constant({ from: `9198${String(n).padStart(8, '0')}`, userId: null }), fc.constant({ from: null, userId: `IN.${n}` })),
          clock: fc.constantFrom('seconds', 'number', 'milliseconds'),
          text: fc.option(hostileText({ loneSurrogates: true }), { freq: 6 }),
        })
        .map(({ sender, clock, text }): Update => {
          const seconds = T0 + n;
          const timestamp = clock === 'seconds' ? String(seconds) : clock === 'number' ? seconds : `${seconds}123`;
          return { kind: 'message', id: `wamid.M${n}`, ...sender, timestamp, sentMs: seconds * 1000 + (clock === 'milliseconds' ? 123 : 0), text };
        }),
    },
    { weight: 2, arbitrary: fc.nat(BAD_MESSAGES.length - 1).map((variant): Update => ({ kind: 'bad-message', variant })) },
    {
      weight: 3,
      arbitrary: fc.constantFrom('sent', 'delivered', 'read', 'failed').map((status): Update => ({ kind: 'status', id: `wamid.S${n}`, status, timestamp: String(T0 + n) })),
    },
    { weight: 1, arbitrary: fc.nat(BAD_STATUSES.length - 1).map((variant): Update => ({ kind: 'bad-status', variant })) },
    {
      weight: 3,
      arbitrary: fc
        .record({ hasWaId: fc.boolean(), hasUsername: fc.boolean(), name: fc.option(hostileText({ loneSurrogates: true }), { freq: 5 }) })
        .map(({ hasWaId, hasUsername, name }): Update => ({
          kind: 'contact',
          // Without a wa_id a contact still has its user id, and maybe a username (BSUID).
          waId: hasWaId ? `9197${String(n).padStart(8, '0')}` : null,
          userId: hasWaId ? null : `IN.C${n}`,
          username: hasUsername ? `user.${n}` : null,
          name,
        })),
    },
    { weight: 1, arbitrary: fc.record({ value: fc.constantFrom(null, 7), list: fc.constantFrom('messages' as const, 'statuses' as const) }).map((bare): Update => ({ kind: 'bare', ...bare })) },
  );

/** Bodies of 1–3 entries × 1–2 changes of updates; the ids of the whole batch are unique. */
const batch = fc
  .array(fc.array(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 })
  .chain((shape) => {
    let n = 0;
    const bodies = shape.map((entries) => fc.tuple(...entries.map((changes) => fc.tuple(...changes.map((count) => fc.tuple(...Array.from({ length: count }, () => update(n++))))))));
    return fc.tuple(...bodies);
  });

function render(bodies: Update[][][][], expected: Expected): string[] {
  let marker = 0;
  return bodies.map((entries) => {
    const entry = entries.map((changes, entryIndex) => ({
      id: `90000000000000${entryIndex}`,
      changes: changes.map((updates) => {
        const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '919800000001', phone_number_id: PHONE_NUMBER_ID }, contacts: [] as unknown[], messages: [] as unknown[], statuses: [] as unknown[] };
        for (const item of updates) {
          if (item.kind === 'message') {
            value.messages.push({
              ...(item.from ? { from: item.from } : { from_user_id: item.userId }),
              id: item.id,
              timestamp: item.timestamp,
              type: 'text',
              ...(item.text === null ? {} : { text: { body: item.text } }),
            });
            expected.messages.set(item.id, { from: item.from, userId: item.userId, text: item.text === null ? null : asUtf8(item.text), sentMs: item.sentMs });
          } else if (item.kind === 'bad-message') {
            const tag = `bad.m${(marker += 1)}`;
            value.messages.push(BAD_MESSAGES[item.variant]!.make(tag));
            expected.bad.push({ marker: tag, reason: BAD_MESSAGES[item.variant]!.reason });
          } else if (item.kind === 'status') {
            value.statuses.push({ id: item.id, status: item.status, timestamp: item.timestamp, recipient_id: '919811112222' });
            expected.statuses.add(`${item.id}|${item.status}`);
          } else if (item.kind === 'bad-status') {
            const tag = `bad.s${(marker += 1)}`;
            value.statuses.push(BAD_STATUSES[item.variant]!.make(tag));
            expected.bad.push({ marker: tag, reason: BAD_STATUSES[item.variant]!.reason });
          } else if (item.kind === 'contact') {
            const profile = { ...(item.name === null ? {} : { name: item.name }), ...(item.username ? { username: item.username } : {}) };
            value.contacts.push({ profile, ...(item.waId ? { wa_id: item.waId } : { user_id: item.userId }) });
            expected.contacts.set(item.waId ?? item.userId!, item.name === null ? null : asUtf8(item.name));
          } else {
            value[item.list].push(item.value);
            expected.bare.add(`${item.list === 'messages' ? 'message without an id' : 'status without a message id'}|${String(item.value)}`);
          }
        }
        return { field: 'messages', value };
      }),
    }));
    return JSON.stringify({ object: 'whatsapp_business_account', entry });
  });
}

/** Text columns are selected as encode(column) and read as UTF-8 (DuckDB's Node client drops a leading U+FEFF of a VARCHAR). */
const utf8 = (value: unknown): string | null => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : (value as null));

let stderr: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(() => stderr.mockRestore());

describe('any batch of WhatsApp webhook bodies, through the receiver or `ingest whatsapp`', () => {
  it('loads every good message, status and contact once as sent, quarantines each bad update with its reason, and never fails the load', async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.constantFrom('webhook' as const, 'file' as const), async (bodies, via) => {
        const expected: Expected = { messages: new Map(), statuses: new Set(), contacts: new Map(), bad: [], bare: new Set() };
        const lines = render(bodies, expected);
        let paths;
        if (via === 'webhook') {
          const receiver = await webhookApp();
          paths = receiver.paths;
          for (const line of lines) expect((await signedPost(receiver.app, line)).statusCode).toBe(200);
          await receiver.app.close();
        } else {
          paths = dataPaths(tempDir());
          const file = join(paths.root, 'hooks.ndjson');
          writeFileSync(file, `${lines.join('\n')}\n`);
          expect(await landFile(paths, 'whatsapp', file)).toMatchObject({ accepted: lines.length, quarantined: 0 });
        }
        const load = await loadPendingSegments(paths, { quiet: true });
        expect(load.failed).toEqual([]);

        expect(await queryFile(paths.raw, 'select count(*) as n from raw_whatsapp_webhooks')).toEqual([{ n: lines.length }]);
        const messages = await queryFile(
          paths.raw,
          'select wamid, from_wa_id, from_user_id, encode(text_body) as text, epoch_ms(sent_at) as sent_ms from raw_whatsapp_messages',
        );
        expect(new Map(messages.map((row) => [row.wamid, { from: row.from_wa_id, userId: row.from_user_id, text: utf8(row.text), sentMs: row.sent_ms }]))).toEqual(expected.messages);
        expect(messages).toHaveLength(expected.messages.size);

        const statuses = await queryFile(paths.raw, "select wamid || '|' || status as k from raw_whatsapp_statuses");
        expect(statuses.map((row) => row.k).sort()).toEqual([...expected.statuses].sort());

        const contacts = await queryFile(paths.raw, 'select coalesce(wa_id, user_id) as k, encode(profile_name) as name from raw_whatsapp_contacts');
        expect(new Map(contacts.map((row) => [row.k, utf8(row.name)]))).toEqual(expected.contacts);
        expect(contacts).toHaveLength(expected.contacts.size);

        const quarantined = await queryFile(paths.raw, 'select reason, record_text, source_line from raw_quarantine');
        for (const { marker, reason } of expected.bad) {
          const mine = quarantined.filter((row) => String(row.record_text).includes(`"${marker}"`));
          expect(mine, marker).toHaveLength(1);
          expect(mine[0]!.reason).toMatch(reason);
          // A file names the line; a webhook has none.
          expect(mine[0]!.source_line).toSatisfy((line: unknown) => (via === 'file' ? Number(line) >= 1 : line === null));
        }
        const bare = quarantined.filter((row) => !/"bad\.[ms]\d+"/.test(String(row.record_text)));
        expect(new Set(bare.map((row) => `${row.reason}|${row.record_text}`))).toEqual(expected.bare);
        expect(quarantined).toHaveLength(expected.bad.length + expected.bare.size);
      }),
      { numRuns: 50, interruptAfterTimeLimit: 100_000 },
    );
  });
});
