import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { asUtf8, hostileText } from '../helpers/hostile-text.ts';
import { queryFile } from '../helpers/read-db.ts';
import { signedPost, webhookApp } from '../helpers/webhook-app.ts';

// Property test of POST /webhooks/whatsapp: whatever signed bytes arrive, the answer is 200 with
// the body landed as sent, or a 4xx that lands nothing; never a 5xx; and whatever was landed loads.

/** A JSON value with every string (keys too) as it reads back from UTF-8: lone surrogates become U+FFFD. */
function asLoaded(value: unknown): unknown {
  if (typeof value === 'string') return asUtf8(value);
  if (Array.isArray(value)) return value.map(asLoaded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [asUtf8(key), asLoaded(item)]));
  return value;
}

const WABA = 'whatsapp_business_account';
const json = fc.jsonValue({ maxDepth: 4 });
const hostileJson = fc.oneof(json, hostileText({ loneSurrogates: true }));

/** Bodies from plausible to hostile: envelopes with anything inside, other JSON, and damaged bytes. */
const body: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .record({ entry: fc.array(fc.oneof(json, fc.record({ id: hostileJson, changes: fc.array(fc.record({ field: hostileJson, value: hostileJson })) })), { maxLength: 3 }), extra: hostileJson, pretty: fc.boolean() })
    .map(({ entry, extra, pretty }) => Buffer.from(JSON.stringify({ object: WABA, entry, extra }, null, pretty ? '\r\n' : undefined))),
  json.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  fc.record({ object: hostileJson, entry: hostileJson }).map((value) => Buffer.from(JSON.stringify(value))),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  // A good envelope cut short, or with one byte replaced (often by one that is not UTF-8).
  fc
    .tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
    .map(([at, byte, truncate]) => {
      const good = Buffer.from(JSON.stringify({ object: WABA, entry: [{ id: '9', changes: [{ field: 'messages', value: { messages: [{ id: 'wamid.X', from: '91', timestamp: '1751400000', type: 'text', text: { body: 'नमस्ते 👍' } }] } }] }] }));
      const position = at % good.length;
      if (truncate) return good.subarray(0, position);
      const copy = Buffer.from(good);
      copy[position] = byte;
      return copy;
    }),
);

function landedLines(landingWhatsapp: string): string[] {
  return readdirSync(landingWhatsapp)
    .sort()
    .flatMap((name) => readFileSync(join(landingWhatsapp, name), 'utf8').split('\n'))
    .filter((line) => line !== '');
}

describe('POST /webhooks/whatsapp with any signed bytes', () => {
  it('answers 200 having landed the body as sent, or 400 having landed nothing; never 5xx; and what landed loads', async () => {
    const { app, paths } = await webhookApp();
    const landing = join(paths.landing, 'whatsapp');
    const accepted = new Set<string>();
    let landedCount = 0;
    await fc.assert(
      fc.asyncProperty(body, async (bytes) => {
        const response = await signedPost(app, bytes);
        expect([200, 400]).toContain(response.statusCode);
        const lines = landedLines(landing);
        if (response.statusCode === 400) {
          expect(response.json()).toEqual({ error: expect.stringMatching(/^\S[^\n]*$/) });
          expect(lines).toHaveLength(landedCount);
          return;
        }
        const parsed = JSON.parse(bytes.toString('utf8')) as { object: unknown; entry: unknown };
        expect(parsed.object).toBe(WABA);
        expect(Array.isArray(parsed.entry)).toBe(true);
        expect(lines).toHaveLength(landedCount + 1);
        landedCount += 1;
        const landed = JSON.parse(lines.at(-1)!) as { record: unknown; record_sha256: string };
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        expect(landed.record_sha256).toBe(sha256);
        expect(landed.record).toEqual(asLoaded(parsed));
        accepted.add(sha256);
      }),
      { numRuns: 200 },
    );
    // Both answers were tried, not only refusals.
    expect(accepted.size).toBeGreaterThan(10);
    expect(landedCount).toBeLessThan(200);
    await app.close();
    const load = await loadPendingSegments(paths, { quiet: true });
    expect(load.failed).toEqual([]);
    // Every accepted body once: a retried delivery (same bytes) is one webhook.
    expect(await queryFile(paths.raw, 'select count(*) as n from raw_whatsapp_webhooks')).toEqual([{ n: accepted.size }]);
  });
});
