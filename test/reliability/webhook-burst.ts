import { createHash } from 'node:crypto';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { APP_SECRET } from '../helpers/webhook-app.ts';

/** What a burst of webhooks did: what was sent, and which bodies (SHA-256) and messages got a 200. */
export interface BurstTally {
  sent: number;
  /** SHA-256 of each body answered 200: its webhook_id in raw.duckdb and the warehouse. */
  acknowledged: Set<string>;
  /** The wamid of each message answered 200. */
  acknowledgedMessages: Set<string>;
  /** Statuses other than 200, by status (0: the connection failed). */
  refused: Map<number, number>;
}

export function newTally(): BurstTally {
  return { sent: 0, acknowledged: new Set(), acknowledgedMessages: new Set(), refused: new Map() };
}

/** One inbound text message as Meta sends it, unique per (run, n); 50 contacts, before the pinned clock. */
export function inboundBody(run: string, n: number): { body: string; wamid: string } {
  const wamid = `wamid.${run}.${n}`;
  const waId = `9198111${String(10000 + (n % 50))}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '900000000000001', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '919800000001', phone_number_id: '800000000000001' },
      contacts: [{ profile: { name: `Burst ${n % 50}` }, wa_id: waId }],
      messages: [{ from: waId, id: wamid, timestamp: String(1751400000 + n), type: 'text', text: { body: `message ${n} of ${run}` } }],
    } }] }],
  });
  return { body, wamid };
}

/**
 * Signed POSTs from `concurrency` workers until `stop()` says so or the server goes away (a
 * connection error ends a worker: the server was killed). Records exactly what got a 200.
 */
export async function burst(
  url: string,
  run: string,
  tally: BurstTally,
  options: { concurrency?: number; stop?: () => boolean; first?: number } = {},
): Promise<void> {
  let n = options.first ?? 0;
  const worker = async (): Promise<void> => {
    while (!options.stop?.()) {
      const { body, wamid } = inboundBody(run, n++);
      tally.sent += 1;
      let status: number;
      try {
        const response = await fetch(`${url}/webhooks/whatsapp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, APP_SECRET) },
          body,
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        tally.refused.set(0, (tally.refused.get(0) ?? 0) + 1);
        return; // the server is gone
      }
      if (status === 200) {
        tally.acknowledged.add(createHash('sha256').update(body).digest('hex'));
        tally.acknowledgedMessages.add(wamid);
      } else {
        tally.refused.set(status, (tally.refused.get(status) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
}

/** How many of the acknowledged ids are missing from `rows`, and how many appear more than once. */
export function lostAndDoubled(acknowledged: Set<string>, rows: Array<Record<string, unknown>>, column: string): { lost: string[]; doubled: string[] } {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const id = String(row[column]);
    if (acknowledged.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return {
    lost: [...acknowledged].filter((id) => !counts.has(id)),
    doubled: [...counts].filter(([, count]) => count > 1).map(([id]) => id),
  };
}
