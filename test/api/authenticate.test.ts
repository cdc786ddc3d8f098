import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, requireRole } from '../../api/auth/authenticate.ts';
import type { Principal } from '../../api/auth/principal.ts';
import { installErrorHandlers } from '../../api/errors.ts';

const KEYS: Record<string, Principal> = {
  'rw_owner-key': { keyId: 'key_00000001', role: 'owner' },
  'rw_agent-key': { keyId: 'key_00000002', role: 'agent', agentId: 'agt_07' },
};

/** The shape the real app has: keys checked inside the /api scope, the webhook outside it. */
async function tinyApp(): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandlers(app);
  app.post('/webhooks/whatsapp', async () => ({ received: true }));
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate((key) => KEYS[key]));
      api.get('/whoami', async (request) => request.principal);
      api.get('/owners-only', async (request) => {
        requireRole(request, 'owner', 'supervisor');
        return { ok: true };
      });
    },
    { prefix: '/api' },
  );
  return app;
}

describe('API-key authentication', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await tinyApp();
  });
  afterAll(() => app.close());
  const get = (url: string, authorization?: string) => app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

  it('answers 401 JSON with WWW-Authenticate when there is no key', async () => {
    const response = await get('/api/whoami');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toEqual({ error: { code: 'unauthorized', message: 'missing Authorization: Bearer header' } });
  });

  it('answers a wrong key and a malformed header alike, without saying which', async () => {
    const wrong = await get('/api/whoami', 'Bearer rw_not-a-key');
    const malformed = await get('/api/whoami', 'Basic cnc6a2V5');
    for (const response of [wrong, malformed]) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json().error.code).toBe('unauthorized');
    }
    expect(wrong.body).toBe(malformed.body);
  });

  it('lets a good key through to the route with its principal', async () => {
    const response = await get('/api/whoami', 'Bearer rw_agent-key');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ keyId: 'key_00000002', role: 'agent', agentId: 'agt_07' });
    expect((await get('/api/whoami', 'bearer rw_owner-key')).json().role).toBe('owner');
  });

  it('answers 403 when the key is valid but its role is not allowed', async () => {
    const refused = await get('/api/owners-only', 'Bearer rw_agent-key');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    expect((await get('/api/owners-only', 'Bearer rw_owner-key')).statusCode).toBe(200);
  });

  it('leaves routes outside /api to their own checks', async () => {
    const response = await app.inject({ method: 'POST', url: '/webhooks/whatsapp', payload: {} });
    expect(response.statusCode).toBe(200);
  });
});
