import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a notification receiver does with one request: answer 200, hang (never answer), answer
 * with an error status, answer 200 slowly, or drop the connection.
 */
export type Behaviour = 'ok' | 'hang' | 'reset' | { status: number } | { slowMs: number };

export interface ScriptedRequest {
  idempotencyKey: string;
  notificationId: string;
  firing: string[];
  behaviour: Behaviour;
  /** The status it answered; 0 when it hung or dropped the connection. */
  status: number;
  /** When it arrived (Date.now()). */
  at: number;
}

/** A real HTTP receiver on 127.0.0.1 doing what `script(n)` says with its n-th request (0-based). */
export async function startScriptedReceiver(script: (n: number) => Behaviour) {
  const requests: ScriptedRequest[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { notification_id?: string; firing?: Array<{ alert_id: string }> };
      const behaviour = script(requests.length);
      const received: ScriptedRequest = {
        idempotencyKey: String(request.headers['idempotency-key']),
        notificationId: String(body.notification_id),
        firing: (body.firing ?? []).map((alert) => alert.alert_id),
        behaviour,
        status: 0,
        at: Date.now(),
      };
      requests.push(received);
      const answer = (status: number): void => {
        if (response.destroyed) return; // the sender gave up waiting: it never saw this answer
        received.status = status;
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
      };
      if (behaviour === 'hang') held.push(response);
      else if (behaviour === 'reset') request.socket.destroy();
      else if (behaviour === 'ok') answer(200);
      else if ('status' in behaviour) answer(behaviour.status);
      else setTimeout(() => answer(200), behaviour.slowMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/supervisors`,
    requests,
    /** Requests answered 2xx whose sender was still listening: what arrived, as a user would count it. */
    accepted: () => requests.filter((request) => request.status >= 200 && request.status < 300),
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type ScriptedReceiver = Awaited<ReturnType<typeof startScriptedReceiver>>;
