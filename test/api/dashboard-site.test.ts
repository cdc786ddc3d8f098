import type { FastifyInstance } from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { createGroupCommitAppender } from '../../ingest/landing/group-commit-appender.ts';
import { loadConfig } from '../../lib/config.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { processLease } from '../../lib/process-lease.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET, VERIFY_TOKEN } from '../helpers/webhook-app.ts';

/**
 * The dashboard site at / beside the API: pages by their clean URLs, a policy that lets
 * Framework's inline modules run on the site only, a hint before the first build, and the API,
 * webhook and health routes answering exactly as without it.
 */

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function appServing(dashboardDir: string): Promise<FastifyInstance> {
  const paths = dataPaths(tempDir());
  const config = loadConfig({ env: { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN } });
  const app = await buildApp({ config, paths, whatsappLanding: createGroupCommitAppender(join(paths.landing, 'whatsapp'), processLease(paths.leases)), dashboardDir });
  apps.push(app);
  return app;
}

/** What `dashboard build` writes, in miniature: pages as <name>.html and hashed assets under /_… */
function smallSite(dir = join(tempDir('replywatch-site-'), 'site')): string {
  mkdirSync(join(dir, '_observablehq'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Weekly response health</title>');
  writeFileSync(join(dir, 'team.html'), '<!doctype html><title>Team</title>');
  writeFileSync(join(dir, '_observablehq', 'client.d10d8454.js'), 'export {};');
  return dir;
}

describe('the dashboard site', () => {
  it('serves / as index.html and /team as team.html, with a policy that lets the pages run', async () => {
    const app = await appServing(smallSite());
    const home = await app.inject({ url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    expect(home.body).toContain('Weekly response health');
    expect(home.headers['content-security-policy']).toMatch(/script-src 'self' 'unsafe-inline'/);
    expect(home.headers['content-security-policy']).toMatch(/connect-src 'self'/);
    expect(home.headers['x-content-type-options']).toBe('nosniff');
    expect(home.headers['x-frame-options']).toBeDefined();
    expect(home.headers['cache-control']).toBe('no-cache');
    for (const url of ['/team', '/team.html', '/team?week=2026-11-16']) {
      const team = await app.inject({ url });
      expect(team.statusCode, url).toBe(200);
      expect(team.body, url).toContain('<title>Team</title>');
    }
    const asset = await app.inject({ url: '/_observablehq/client.d10d8454.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
  });

  it('answers 404 for what is not in the site, and nothing outside its directory', async () => {
    const dir = smallSite();
    writeFileSync(join(dir, '..', 'secret.txt'), 'outside');
    const app = await appServing(dir);
    for (const url of ['/nope', '/team/', '/../secret.txt', '/%2e%2e/secret.txt', '/_observablehq/../../secret.txt']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.body, url).not.toContain('outside');
    }
    expect((await app.inject({ url: '/nope' })).json()).toEqual({ error: { code: 'not_found', message: 'no route GET /nope' } });
    expect((await app.inject({ url: '/favicon.ico' })).statusCode).toBe(204);
  });

  it('before the first build, answers / with what to run, as HTML or JSON', async () => {
    const dir = join(tempDir(), 'not-built-yet');
    const app = await appServing(dir);
    const page = await app.inject({ url: '/', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('npx replywatch dashboard build');
    const json = await app.inject({ url: '/' });
    expect(json.json().error.message).toMatch(/run `npx replywatch dashboard build`/);
    // Built while the server runs: served at once.
    smallSite(dir);
    expect((await app.inject({ url: '/' })).statusCode).toBe(200);
  });

  it('leaves the API, webhook and health routes as they were, headers included', async () => {
    const app = await appServing(smallSite());
    const unknownApi = await app.inject({ url: '/api/nope' });
    expect(unknownApi.statusCode).toBe(401);
    expect((await app.inject({ url: '/api' })).statusCode).toBe(401);
    const alerts = await app.inject({ url: '/api/alerts' });
    expect(alerts.statusCode).toBe(401);
    expect(alerts.headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(alerts.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(alerts.headers['x-content-type-options']).toBe('nosniff');
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ ok: true });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
    const handshake = await app.inject({ url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42` });
    expect(handshake.statusCode).toBe(200);
    expect(handshake.body).toBe('42');
    const unknownWebhook = await app.inject({ url: '/webhooks/nope' });
    expect(unknownWebhook.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /webhooks/nope' } });
    expect(unknownWebhook.headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});
