import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET, fixtureLines } from '../helpers/webhook-app.ts';

const post = (url: string, body: string) =>
  fetch(`${url}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, APP_SECRET) },
    body,
  });

describe('`replywatch serve`', () => {
  it('refuses to start without an app secret, in one line', async () => {
    const result = await runCli(['--data', tempDir(), 'serve', '--port', '0'], { WHATSAPP_APP_SECRET: '', WHATSAPP_VERIFY_TOKEN: 'x' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'replywatch: WHATSAPP_APP_SECRET is not set, so webhooks cannot be verified as coming from Meta; set it (or whatsapp.appSecret in a config file), or use --insecure-dev for local testing',
    );
  });

  it('refuses a config file with secrets that others can read, and names bad settings', async () => {
    const dir = tempDir();
    const file = join(dir, 'replywatch.json');
    writeFileSync(file, JSON.stringify({ whatsapp: { appSecret: 'a-long-secret', verifyToken: 't' } }));
    chmodSync(file, 0o644);
    const open = await runCli(['--data', dir, 'serve', '--config', file], { WHATSAPP_APP_SECRET: '' });
    expect(open.stderr.trim()).toBe(`replywatch: config file ${file} holds secrets but others can read it (mode 644); run: chmod 600 ${file}`);
    const badPort = await runCli(['--data', dir, 'serve', '--port', '99999'], { WHATSAPP_APP_SECRET: 'a-long-secret', WHATSAPP_VERIFY_TOKEN: 't' });
    expect(badPort.stderr.trim()).toBe('replywatch: configuration: server.port 99999: expected integer to be less or equal to 65535');
    const shortSecret = await runCli(['--data', dir, 'serve'], { WHATSAPP_APP_SECRET: 'short', WHATSAPP_VERIFY_TOKEN: 't' });
    expect(shortSecret.stderr.trim()).toBe('replywatch: configuration: whatsapp.appSecret (set): expected string length greater or equal to 8');
    expect(shortSecret.stderr).not.toContain('short');
  });

  it('says loudly when it runs without signature checks, and then accepts unsigned webhooks', async () => {
    const data = tempDir();
    const server = await startServerProcess(data, ['--insecure-dev']);
    const body = fixtureLines('every-message-type.ndjson')[0]!;
    const response = await fetch(`${server.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(server.output()).toContain('INSECURE DEV MODE: webhook signatures are NOT checked');
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('finishes a request in flight on SIGTERM, lands it, seals the landing log and exits 0', async () => {
    const data = tempDir();
    const server = await startServerProcess(data);
    const body = fixtureLines('every-message-type.ndjson')[0]!;
    const { hostname, port } = new URL(server.url);
    // A slow upload: half the body, then SIGTERM, then the rest.
    const status = new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          hostname,
          port,
          path: '/webhooks/whatsapp',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hub-signature-256': signatureOf(body, APP_SECRET) },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      const half = Math.floor(body.length / 2);
      request.write(body.slice(0, half));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => request.end(body.slice(half)), 300);
      }, 200);
    });
    expect(await status).toBe(200);
    expect(await server.exited).toBe(0);
    const landing = join(dataPaths(data).landing, 'whatsapp');
    const segments = readdirSync(landing);
    expect(segments).toHaveLength(1);
    expect(segments[0]).toMatch(/\.ndjson$/);
    expect(readFileSync(join(landing, segments[0]!), 'utf8')).toContain(`"record":${body}}`);
  });

  it('builds on a schedule, so a webhook reaches the marts without anyone running build, and keeps answering meanwhile', async () => {
    const data = tempDir();
    const server = await startServerProcess(data, ['--build-every', '2s']);
    expect((await post(server.url, fixtureLines('echoes-history-and-usernames.ndjson')[0]!)).status).toBe(200);
    const paths = dataPaths(data);
    const deadline = Date.now() + 90_000;
    const statusesDuringBuild: number[] = [];
    const later = fixtureLines('every-message-type.ndjson');
    while (!existsSync(paths.warehouse) && Date.now() < deadline) {
      statusesDuringBuild.push((await post(server.url, later[statusesDuringBuild.length % later.length]!)).status);
      await sleep(250);
    }
    expect(statusesDuringBuild.length).toBeGreaterThan(5);
    expect(statusesDuringBuild.every((status) => status === 200)).toBe(true);
    // The API reads what the schedule built, with a key created while the server runs.
    const created = await runCli(['--data', data, 'keys', 'create', '--role', 'analyst']);
    expect(created.code, created.stderr).toBe(0);
    const headers = { authorization: `Bearer ${created.stdout.trim()}` };
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    const marts = await fetch(`${server.url}/api/marts/fct_inquiries?columns=contact_id&filter.contact_id=919811112222`, { headers });
    expect(await marts.json()).toEqual({ mart: 'fct_inquiries', rows: [{ contact_id: '919811112222' }] });
    expect((await fetch(`${server.url}/api/alerts`)).status).toBe(401);
    server.child.kill('SIGTERM');
    await server.exited;
    expect(await queryFile(paths.warehouse, "select count(*) as n from fct_inquiries where contact_id = '919811112222'")).toEqual([{ n: 1 }]);
  }, 120_000);
});
