import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { landFile } from '../../ingest/landing/land-file.ts';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET, FIXTURES, VERIFY_TOKEN, fixtureLines, signedPost, webhookApp } from '../helpers/webhook-app.ts';

const BODY = fixtureLines('every-message-type.ndjson')[0]!;

describe('GET /webhooks/whatsapp, the verification handshake', () => {
  it('answers the challenge as plain text for the right token', async () => {
    const { app } = await webhookApp();
    const response = await app.inject({ url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toBe('1158201444');
    await app.close();
  });

  it('refuses a wrong token or mode with 403', async () => {
    const { app } = await webhookApp();
    for (const query of [`hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`, `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`]) {
      expect((await app.inject({ url: `/webhooks/whatsapp?${query}` })).statusCode).toBe(403);
    }
    await app.close();
  });

  it('refuses every handshake while no verify token is configured, an empty one included', async () => {
    const { app } = await webhookApp({ verifyToken: undefined });
    for (const query of ['hub.mode=subscribe&hub.verify_token=&hub.challenge=1', 'hub.mode=subscribe&hub.challenge=1']) {
      expect((await app.inject({ url: `/webhooks/whatsapp?${query}` })).statusCode).toBe(403);
    }
    await app.close();
  });
});

describe('POST /webhooks/whatsapp', () => {
  it('lands a correctly signed body byte for byte before answering 200', async () => {
    const { app, paths } = await webhookApp();
    const response = await signedPost(app, BODY);
    expect(response.statusCode).toBe(200);
    // On disk already: the open segment holds it before anything is sealed.
    const [part] = readdirSync(join(paths.landing, 'whatsapp'));
    const line = readFileSync(join(paths.landing, 'whatsapp', part!), 'utf8');
    expect(line.endsWith(`"record":${BODY}}\n`)).toBe(true);
    expect(JSON.parse(line).source).toBe('webhook');
    await app.close();
  });

  it('answers 401 to a missing, wrong or re-serialised signature', async () => {
    const { app } = await webhookApp();
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect((await signedPost(app, BODY, '')).statusCode).toBe(401);
    expect((await signedPost(app, BODY, signatureOf(BODY, 'another-secret'))).statusCode).toBe(401);
    // Signed over re-serialised JSON instead of the bytes that were sent.
    expect((await signedPost(app, pretty, signatureOf(BODY, APP_SECRET))).statusCode).toBe(401);
    expect((await signedPost(app, BODY, 'sha256=xyz')).statusCode).toBe(401);
    await app.close();
  });

  it('answers 400 to a signed body that is not JSON, not UTF-8, or not a WhatsApp Business Account object', async () => {
    const { app } = await webhookApp();
    expect((await signedPost(app, '{"object": "whatsapp_business_account", ')).statusCode).toBe(400);
    expect((await signedPost(app, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]))).statusCode).toBe(400);
    const page = await signedPost(app, '{"object":"page","entry":[]}');
    expect(page.statusCode).toBe(400);
    expect(page.json()).toEqual({ error: 'object is "page", not "whatsapp_business_account"' });
    await app.close();
  });

  it('checks the signature before the content type: unsigned callers learn nothing else', async () => {
    const { app } = await webhookApp();
    expect((await signedPost(app, BODY, 'sha256=xyz', 'text/plain')).statusCode).toBe(401);
    const signed = await signedPost(app, BODY, signatureOf(BODY, APP_SECRET), 'text/plain');
    expect(signed.statusCode).toBe(415);
    expect(signed.json()).toEqual({ error: 'the body must be JSON (Content-Type: application/json)' });
    await app.close();
  });

  it('answers 413 to a body over the configured size, without landing it', async () => {
    const { app, paths } = await webhookApp({ maxBodyBytes: 2048 });
    const big = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'x'.repeat(4096), changes: [] }] });
    expect((await signedPost(app, big)).statusCode).toBe(413);
    expect(() => readdirSync(join(paths.landing, 'whatsapp'))).not.toThrow();
    expect(readdirSync(join(paths.landing, 'whatsapp'))).toEqual([]);
    await app.close();
  });

  it('keeps a pretty-printed body as one landing line, signed over its exact bytes', async () => {
    const { app, paths } = await webhookApp();
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect((await signedPost(app, pretty)).statusCode).toBe(200);
    await app.close();
    const summary = await loadPendingSegments(paths);
    expect(summary.added.raw_whatsapp_messages).toBe(2);
  });

  it('loads every message type and field kind it receives exactly as a file ingest does', async () => {
    const { app, paths } = await webhookApp();
    const fixtures = ['every-message-type.ndjson', 'statuses-out-of-order.ndjson', 'value-level-error.ndjson', 'echoes-history-and-usernames.ndjson'];
    for (const fixture of fixtures) {
      for (const line of fixtureLines(fixture)) expect((await signedPost(app, line)).statusCode).toBe(200);
    }
    await app.close();
    const viaWebhook = await loadPendingSegments(paths);

    const filePaths = dataPaths(tempDir());
    for (const fixture of fixtures) await landFile(filePaths, 'whatsapp', join(FIXTURES, fixture));
    const viaFiles = await loadPendingSegments(filePaths);
    expect(viaWebhook.totals).toEqual(viaFiles.totals);
    expect(viaWebhook.totals.raw_whatsapp_messages).toBe(25);
  });

  it('takes a batch of 1000 updates in one POST, and duplicates and reordering end in one row each', async () => {
    const { app, paths } = await webhookApp();
    const meta = { display_phone_number: '919800000001', phone_number_id: '800000000000001' };
    const statuses = Array.from({ length: 1000 }, (_, index) => ({
      id: `wamid.BATCH${Math.floor(index / 2)}`,
      // Each message gets read then delivered, in that (wrong) order, in the same batch.
      status: index % 2 === 0 ? 'read' : 'delivered',
      timestamp: String(1751400000 + index),
      recipient_id: '919811112222',
    }));
    const batch = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '900000000000001', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: meta, statuses } }] }],
    });
    expect((await signedPost(app, batch)).statusCode).toBe(200);
    // Meta retries: the same batch again, twice.
    expect((await signedPost(app, batch)).statusCode).toBe(200);
    expect((await signedPost(app, batch)).statusCode).toBe(200);
    await app.close();
    await loadPendingSegments(paths);
    expect(await queryFile(paths.raw, 'select count(*) as n, count(distinct wamid) as messages from raw_whatsapp_statuses')).toEqual([{ n: 1000, messages: 500 }]);
    expect(await queryFile(paths.raw, 'select count(*) as n from raw_whatsapp_webhooks')).toEqual([{ n: 1 }]);
  });
});
