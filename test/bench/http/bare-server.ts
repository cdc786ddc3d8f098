/**
 * The webhook receiver's floor: a bare fastify app with one POST route answering 200, and a
 * GET /healthz to say it is up. Same framework, machine and load tool as the receiver, none of its
 * work (no signature check, no envelope check, no durable append, no request log).
 *
 *   node --import tsx test/bench/http/bare-server.ts <port>
 */
import Fastify from 'fastify';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: bare-server.ts <port>\n');
  process.exit(2);
}
const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
app.get('/healthz', async () => ({ ok: true }));
app.post('/webhooks/whatsapp', async () => ({ received: true }));
await app.listen({ host: '127.0.0.1', port });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
