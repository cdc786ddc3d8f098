import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** What the receiver answered; 0 while it holds the request open. */
  status: number;
}

/** A real HTTP receiver on 127.0.0.1 that records every request and fails or holds some on demand. */
export interface FakeReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests it answered 2xx: what a user would have seen arrive. */
  accepted(): ReceivedRequest[];
  failNext(count: number, status?: number): void;
  /** Holds the next request open without answering (a delivery in flight). */
  holdNext(): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeReceiver(): Promise<FakeReceiver> {
  const requests: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let holds = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: text ? JSON.parse(text) : null, status: 0 };
      requests.push(received);
      if (holds > 0) {
        holds -= 1;
        held.push(response);
        return;
      }
      received.status = failures.count > 0 ? failures.status : 200;
      if (failures.count > 0) failures.count -= 1;
      response.writeHead(received.status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: received.status === 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => requests.filter((request) => request.status >= 200 && request.status < 300),
    failNext(count, status = 500) {
      failures = { count, status };
    },
    holdNext() {
      holds += 1;
    },
    async waitForRequests(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${requests.length} requests, expected ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
