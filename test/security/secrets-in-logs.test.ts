import { chmodSync, cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { createKey } from '../../lib/api-keys.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { startFakeHubspot, type FakeHubspot } from '../fakes/fake-hubspot.ts';
import { startFakeZoho, type FakeZoho } from '../fakes/fake-zoho.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { fixtureLines } from '../helpers/webhook-app.ts';

/**
 * Every secret replywatch is given, set at once, then the server and the CRM pulls driven through
 * their success and failure paths (refused handshakes and signatures, wrong keys, failing
 * notification receivers, CRMs that refuse the credentials or go down). Nothing they print, and
 * nothing they leave in the data directory, may contain any of the secrets.
 */

// Each distinctive, and none with "secret" or "token" in it, so a hit can only be a leak.
const SECRETS = {
  WHATSAPP_APP_SECRET: 'appsec-R4nd0mQx81Lm',
  WHATSAPP_VERIFY_TOKEN: 'verify-Zk29PpWq7Tn',
  HUBSPOT_TOKEN: 'pat-na1-Hs5Vb8Qe3Jw',
  ZOHO_CLIENT_ID: '1000.ZCLIENTID7Yq2',
  ZOHO_CLIENT_SECRET: 'zcs-Mm4Kx9Ld2Rt',
  ZOHO_REFRESH_TOKEN: '1000.zrt-Pp8Wn3Vc6Hs',
};
/** Secrets that live in the config file: the notification webhook's URL path and the Cloud API access token. */
const HOOK_PATH = 'hook-Ty6Gh2Nb8Xc';
const WHATSAPP_ACCESS = 'EAAG-Wa7Bq4Jm9Ks';

/** The secrets found in a text (or file), by name. */
function leaks(text: string | Buffer, secrets: Record<string, string>): string[] {
  const haystack = typeof text === 'string' ? Buffer.from(text) : text;
  return Object.entries(secrets)
    .filter(([, value]) => haystack.includes(value) || haystack.includes(encodeURIComponent(value)) || haystack.includes(Buffer.from(value).toString('base64')))
    .map(([name]) => name);
}

/** Every file under a directory, with the secrets each holds. */
function leaksInFiles(dir: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry);
    if (!statSync(file).isFile()) continue;
    for (const name of leaks(readFileSync(file), secrets)) found.push(`${entry}: ${name}`);
  }
  return found;
}

/** A notification receiver that is down (webhook) and a Cloud API that refuses the token. */
async function failingReceivers(): Promise<{ url: string; hits: { hook: number; whatsapp: number }; server: Server }> {
  const hits = { hook: 0, whatsapp: 0 };
  const server = createServer((request, response) => {
    request.resume();
    if (request.url?.startsWith(`/${HOOK_PATH}`)) {
      hits.hook += 1;
      response.writeHead(500, { 'content-type': 'text/plain' }).end('receiver down');
    } else {
      hits.whatsapp += 1;
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"Invalid OAuth access token.","code":190}}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

describe('`replywatch serve` with every secret set', () => {
  let receivers: Awaited<ReturnType<typeof failingReceivers>> | undefined;
  afterAll(async () => {
    await new Promise((resolve) => receivers?.server.close(resolve));
  });

  it('prints none of them, through handshakes, signatures, API keys and failing notifications, and stores none', async () => {
    receivers = await failingReceivers();
    const data = dataPaths(tempDir('replywatch-leaks-'));
    // The demo warehouse: alerts fire at once, so notifications go out (and fail).
    cpSync(join(inject('builtDataDir'), 'warehouse.duckdb'), data.warehouse);
    const agents = ['a_rajesh', 'a_priya', 'a_sneha', 'a_kavya', 'a_amit', 'a_rohan'];
    const configFile = join(tempDir(), 'replywatch.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        alerts: { evaluateEverySeconds: 1 },
        notifications: {
          webhookUrls: { '*': `${receivers.url}/${HOOK_PATH}` },
          groupWaitSeconds: 0,
          maxAttempts: 2,
          whatsapp: {
            baseUrl: `${receivers.url}/graph`,
            accessToken: WHATSAPP_ACCESS,
            phoneNumberId: '106540352242922',
            templateName: 'sla_alert',
            languageCode: 'en',
            recipients: Object.fromEntries(agents.map((agent) => [agent, '919800000099'])),
          },
        },
      }),
    );
    chmodSync(configFile, 0o600);
    const apiKey = createKey(data.state, { role: 'owner' }).key;
    const secrets = { ...SECRETS, HOOK_PATH, WHATSAPP_ACCESS, API_KEY: apiKey };

    const server = await startServerProcess(data.root, ['--config', configFile], SECRETS);
    const { url } = server;
    const body = fixtureLines('every-message-type.ndjson')[0]!;
    const post = (signature: string) =>
      fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers });

    const token = SECRETS.WHATSAPP_VERIFY_TOKEN;
    const handshake = await get(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=31337`);
    expect(await handshake.text()).toBe('31337');
    expect((await get(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}x&hub.challenge=1`)).status).toBe(403);
    expect((await get(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.verify_token=${token}&hub.challenge=1`)).status).toBe(400);
    expect((await get(`/webhooks/whatsapp/elsewhere?hub.verify_token=${token}`)).status).toBe(404);
    expect((await post(signatureOf(body, SECRETS.WHATSAPP_APP_SECRET))).status).toBe(200);
    expect((await post(signatureOf(body, 'not-the-app-secret'))).status).toBe(401);
    expect((await post(`sha256=${SECRETS.WHATSAPP_APP_SECRET}`)).status).toBe(401);
    expect((await get('/api/alerts', { authorization: `Bearer ${apiKey}` })).status).toBe(200);
    // Secrets sent where they do not belong: as an API key, in a query string, in a path.
    expect((await get('/api/alerts', { authorization: `Bearer ${SECRETS.WHATSAPP_APP_SECRET}` })).status).toBe(401);
    expect((await get(`/api/alerts?key=${apiKey}&limit=lots`, { authorization: `Bearer ${apiKey}` })).status).toBe(400);
    expect((await get(`/api/nothing-here?token=${apiKey}`, { authorization: `Bearer ${apiKey}` })).status).toBe(404);

    // Both notification channels tried, and failed: the receivers' refusals are logged.
    const failed = {
      webhook: /\(webhook\)[^\n]*attempt 1 of 2 failed \(HTTP 500: receiver down\)/,
      whatsapp: /\(whatsapp\)[^\n]*attempt 1 of 2 failed \(HTTP 401/,
    };
    for (let waited = 0; !(failed.webhook.test(server.output()) && failed.whatsapp.test(server.output())) && waited < 30_000; waited += 200) await sleep(200);
    expect(receivers.hits.hook).toBeGreaterThan(0);
    expect(receivers.hits.whatsapp).toBeGreaterThan(0);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const output = server.output();
    // The log is really there: refusals and failed deliveries are in it, so their absence of secrets means something.
    expect(output).toMatch(/GET \/webhooks\/whatsapp → 403/);
    expect(output).toMatch(/POST \/webhooks\/whatsapp → 401/);
    expect(output).toMatch(/GET \/api\/alerts → 401/);
    expect(output).toMatch(/GET \/api\/nothing-here → 404/);
    expect(output).toMatch(failed.webhook);
    expect(output).toMatch(failed.whatsapp);
    expect(leaks(output, secrets)).toEqual([]);
    // And nothing was written down: landing log, journals, key store, raw.duckdb.
    expect(leaksInFiles(data.root, secrets)).toEqual([]);
  });
});

describe('`replywatch ingest crm` with the CRM secrets set', () => {
  let hubspot: FakeHubspot | undefined;
  let zoho: FakeZoho | undefined;
  afterEach(async () => {
    await hubspot?.close();
    await zoho?.close();
    hubspot = zoho = undefined;
  });

  const contact = (id: string) => ({
    id,
    properties: { firstname: `P${id}`, lastname: 'T', phone: '+91 98111 12222', mobilephone: null, hubspot_owner_id: '101', lifecyclestage: 'lead', createdate: '2026-10-01T00:00:00.000Z', lastmodifieddate: '2026-10-01T00:00:00.000Z' },
  });
  const hubspotData = {
    contacts: [contact('1'), contact('2')],
    deals: [],
    owners: [{ id: '101', email: 'priya@example.in' }],
    pipelines: [],
    associations: {},
  };
  const env = (extra: Record<string, string>) => ({ ...SECRETS, REPLYWATCH_RETRY_BASE_MS: '5', ...extra });

  it('HubSpot: prints none of them when the pull works, when the token is refused, and when HubSpot goes down', async () => {
    const data = tempDir();
    const runs: string[] = [];
    hubspot = await startFakeHubspot({ token: SECRETS.HUBSPOT_TOKEN, ...hubspotData });
    const ok = await runCli(['--data', data, 'ingest', 'crm', 'hubspot'], env({ HUBSPOT_BASE_URL: hubspot.url }));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/hubspot:contacts: 2 records/);
    runs.push(ok.stdout + ok.stderr);
    await hubspot.close();

    hubspot = await startFakeHubspot({ token: 'another-token', ...hubspotData });
    const refused = await runCli(['--data', data, 'ingest', 'crm', 'hubspot'], env({ HUBSPOT_BASE_URL: hubspot.url }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HubSpot refused the credentials \(401\)/);
    runs.push(refused.stdout + refused.stderr);
    await hubspot.close();

    hubspot = await startFakeHubspot({ token: SECRETS.HUBSPOT_TOKEN, ...hubspotData, outageFromSearch: 1 });
    const down = await runCli(['--data', data, 'ingest', 'crm', 'hubspot'], env({ HUBSPOT_BASE_URL: hubspot.url }));
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/retrying in/);
    runs.push(down.stdout + down.stderr);

    expect(runs.flatMap((run) => leaks(run, SECRETS))).toEqual([]);
    expect(leaksInFiles(data, SECRETS)).toEqual([]);
  });

  it('Zoho: prints none of them when the pull works and when the refresh token is refused', async () => {
    const data = tempDir();
    const credentials = { clientId: SECRETS.ZOHO_CLIENT_ID, clientSecret: SECRETS.ZOHO_CLIENT_SECRET, refreshToken: SECRETS.ZOHO_REFRESH_TOKEN };
    const lead = { id: '4000000000001', First_Name: 'Lead', Last_Name: 'One', Mobile: '9811100001', Created_Time: '2026-10-01T10:00:00+05:30', Modified_Time: '2026-10-01T10:00:00+05:30' };
    zoho = await startFakeZoho({ ...credentials, modules: { Leads: [lead], Contacts: [], Deals: [] }, rateLimitedRequests: [1] });
    const zohoEnv = env({ ZOHO_ACCOUNTS_URL: zoho.url, ZOHO_API_URL: zoho.url });
    const ok = await runCli(['--data', data, 'ingest', 'crm', 'zoho'], zohoEnv);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/zoho:leads: 1 record/);
    expect(ok.stderr).toMatch(/retrying in/);
    const refused = await runCli(['--data', data, 'ingest', 'crm', 'zoho'], { ...zohoEnv, ZOHO_REFRESH_TOKEN: `${SECRETS.ZOHO_REFRESH_TOKEN}-old` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Zoho refused the refresh token/);

    expect(leaks(ok.stdout + ok.stderr + refused.stdout + refused.stderr, SECRETS)).toEqual([]);
    expect(leaksInFiles(data, SECRETS)).toEqual([]);
  });
});
