import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { queryFile } from '../helpers/read-db.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET } from '../helpers/webhook-app.ts';

const CONCURRENCY = 16;
const ROUNDS = 3;
/** A killed server's open segment is taken over once its lease has not been renewed for this long. */
const LEASE_TTL_MS = 1500;
let counter = 0;

function nextBody(): string {
  counter += 1;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '900000000000001', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '919800000001', phone_number_id: '800000000000001' },
      contacts: [{ profile: { name: 'Load' }, wa_id: '919811112222' }],
      messages: [{ from: '919811112222', id: `wamid.BURST${counter}`, timestamp: String(1751400000 + counter), type: 'text', text: { body: `message ${counter}` } }],
    } }] }],
  });
}

/** Signed POSTs from several workers until the server goes away; records the bodies that got a 200. */
async function burst(url: string, acknowledged: Set<string>): Promise<number> {
  let sent = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const body = nextBody();
      sent += 1;
      try {
        const response = await fetch(`${url}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, APP_SECRET) },
          body,
        });
        if (response.status === 200) acknowledged.add(createHash('sha256').update(body).digest('hex'));
        await response.arrayBuffer();
      } catch {
        return; // the server is gone
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return sent;
}

describe('the webhook receiver killed with SIGKILL during a burst', () => {
  it('has every webhook it answered 200 in raw.duckdb after restart, exactly once', async () => {
    const paths = dataPaths(tempDir());
    const acknowledged = new Set<string>();
    let sent = 0;
    process.env.REPLYWATCH_LEASE_TTL_MS = String(LEASE_TTL_MS);
    for (let round = 0; round < ROUNDS; round += 1) {
      const server = await startServerProcess(paths.root, [], { REPLYWATCH_LEASE_TTL_MS: String(LEASE_TTL_MS) });
      const requests = burst(server.url, acknowledged);
      await sleep(400 + round * 300);
      server.child.kill('SIGKILL');
      sent += await requests;
    }
    expect(acknowledged.size).toBeGreaterThan(100);
    expect(sent).toBeGreaterThan(acknowledged.size);

    await sleep(LEASE_TTL_MS * 2);
    await loadPendingSegments(paths);
    delete process.env.REPLYWATCH_LEASE_TTL_MS;
    const rows = await queryFile(paths.raw, 'select webhook_id from raw_whatsapp_webhooks');
    const landed = new Set(rows.map((row) => String(row.webhook_id)));
    const lost = [...acknowledged].filter((sha) => !landed.has(sha));
    expect(lost).toEqual([]);
    const [counts] = await queryFile(paths.raw, 'select count(*) as messages, count(distinct wamid) as distinct_messages from raw_whatsapp_messages');
    expect(counts?.messages).toBe(counts?.distinct_messages);
    expect(counts?.messages).toBe(rows.length);
  }, 120_000);
});
