import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signatureOf, verifySignature } from '../../api/webhooks/verify-signature.ts';
import { APP_SECRET, VERIFY_TOKEN, fixtureLines, signedPost, webhookApp } from '../helpers/webhook-app.ts';

/**
 * The webhook receiver's signature check, as an attacker probes it: comparisons that leak timing,
 * signatures of the wrong length, and bodies that mean the same JSON in other bytes. What is
 * refused must leave nothing in the landing log.
 */

// Every call to crypto.timingSafeEqual is counted, so a plain `===` slipping back in is noticed.
const calls = vi.hoisted(() => ({ timingSafeEqual: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual: typeof actual.timingSafeEqual = (a, b) => {
    calls.timingSafeEqual += 1;
    return actual.timingSafeEqual(a, b);
  };
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

const BODY = fixtureLines('every-message-type.ndjson')[0]!;
const GOOD = signatureOf(BODY, APP_SECRET);

beforeEach(() => {
  calls.timingSafeEqual = 0;
});

describe('the signature comparison', () => {
  it('compares a same-length wrong signature with crypto.timingSafeEqual, and refuses it', () => {
    // The right signature with its last hex digit changed: only a byte-by-byte compare could tell early.
    const lastDigit = GOOD.at(-1) === '0' ? '1' : '0';
    const almost = GOOD.slice(0, -1) + lastDigit;
    expect(verifySignature(Buffer.from(BODY), almost, APP_SECRET)).toBe(false);
    expect(calls.timingSafeEqual).toBe(1);
    expect(verifySignature(Buffer.from(BODY), GOOD, APP_SECRET)).toBe(true);
    expect(calls.timingSafeEqual).toBe(2);
  });

  it('refuses signatures of the wrong length or shape without throwing', () => {
    const hex = GOOD.slice('sha256='.length);
    const wrongShapes = [
      '',
      'sha256=',
      `sha256=${hex.slice(0, 63)}`,
      `sha256=${hex.slice(0, 62)}`,
      `sha256=${hex}00`,
      `sha256=${hex}${hex}`,
      `sha1=${hex.slice(0, 40)}`,
      `sha256=${hex.slice(0, 63)}g`,
      `${hex}`,
      `sha256=${hex}, sha256=${hex}`,
      `sha256=${'\u00e9'.repeat(64)}`,
    ];
    for (const header of wrongShapes) {
      expect(() => verifySignature(Buffer.from(BODY), header, APP_SECRET), header).not.toThrow();
      expect(verifySignature(Buffer.from(BODY), header, APP_SECRET), header).toBe(false);
    }
    expect(verifySignature(Buffer.from(BODY), undefined, APP_SECRET)).toBe(false);
  });

  it('compares the verify token of the handshake in constant time too, and refuses one of another length with 403', async () => {
    const { app } = await webhookApp();
    const sameLength = VERIFY_TOKEN.slice(0, -1) + (VERIFY_TOKEN.endsWith('x') ? 'y' : 'x');
    const refused = await app.inject({ url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${sameLength}&hub.challenge=42` });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('42');
    expect(calls.timingSafeEqual).toBe(1);
    for (const token of ['', 'x', `${VERIFY_TOKEN}x`, VERIFY_TOKEN.repeat(50)]) {
      const response = await app.inject({ url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=42` });
      expect(response.statusCode, token).toBe(403);
    }
    // The same token twice arrives as a list, which is no token at all.
    const twice = await app.inject({
      url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`,
    });
    expect(twice.statusCode).not.toBe(200);
    expect(twice.body).not.toBe('42');
    await app.close();
  });
});

describe('POST /webhooks/whatsapp over the raw body', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** The same JSON in other bytes: any re-serialisation between the socket and the check would accept these. */
  const parsed = JSON.parse(BODY) as Record<string, unknown>;
  const SAME_JSON_OTHER_BYTES: Record<string, string> = {
    'pretty-printed': JSON.stringify(parsed, null, 2),
    'a trailing newline': `${BODY}\n`,
    'a space after the first colon': BODY.replace('":"', '": "'),
    'CRLF line ends': JSON.stringify(parsed, null, 1).replaceAll('\n', '\r\n'),
    'a byte order mark': `\ufeff${BODY}`,
    'keys in another order': JSON.stringify({ entry: parsed.entry, object: parsed.object }),
    'a letter as a \\u escape': BODY.replace('Asha', '\\u0041sha'),
  };

  it('refuses (401) the same JSON in other bytes, signed over the original, and lands none of it', async () => {
    const { app, paths } = await webhookApp();
    close = () => app.close();
    for (const [how, body] of Object.entries(SAME_JSON_OTHER_BYTES)) {
      expect(body, how).not.toBe(BODY);
      const response = await signedPost(app, body, GOOD);
      expect(response.statusCode, how).toBe(401);
      expect(response.json(), how).toEqual({ error: 'missing or wrong X-Hub-Signature-256' });
    }
    expect(readdirSync(join(paths.landing, 'whatsapp'))).toEqual([]);
  });

  it('accepts each of those bodies when signed over its own bytes, and lands those bytes', async () => {
    const { app, paths } = await webhookApp();
    close = () => app.close();
    const valid = SAME_JSON_OTHER_BYTES;
    for (const [how, body] of Object.entries(valid)) {
      expect((await signedPost(app, body, signatureOf(body, APP_SECRET))).statusCode, how).toBe(200);
    }
    await app.close();
    close = undefined;
    const landed = readdirSync(join(paths.landing, 'whatsapp'))
      .map((file) => readFileSync(join(paths.landing, 'whatsapp', file), 'utf8'))
      .join('')
      .trim()
      .split('\n');
    expect(landed).toHaveLength(Object.keys(valid).length);
    // The single-line bodies land byte for byte; multi-line ones with their line breaks as spaces.
    expect(landed).toContainEqual(expect.stringContaining(`"record":${valid['a space after the first colon']}}`));
    expect(landed).toContainEqual(expect.stringContaining(`"record":${valid['a letter as a \\u escape']}}`));
  });

  it('refuses (401) a signature made with another secret, an empty secret or over an empty body', async () => {
    const { app, paths } = await webhookApp();
    close = () => app.close();
    for (const signature of [signatureOf(BODY, `${APP_SECRET}x`), signatureOf(BODY, ''), signatureOf('', APP_SECRET), GOOD.toUpperCase().replace('SHA256=', 'sha256=').slice(0, -2)]) {
      expect((await signedPost(app, BODY, signature)).statusCode, signature).toBe(401);
    }
    expect(readdirSync(join(paths.landing, 'whatsapp'))).toEqual([]);
    // The hex digits may come in either case: the bytes they stand for are what is compared.
    expect((await signedPost(app, BODY, `sha256=${GOOD.slice(7).toUpperCase()}`)).statusCode).toBe(200);
  });
});
