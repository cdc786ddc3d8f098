import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { loadConfig } from '../../lib/config.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { fixtureLines } from '../helpers/webhook-app.ts';

/**
 * Secrets come from the environment or from a config file only its owner can read. A config file
 * holding any secret that group or others could read is refused, in one line that names the file
 * and the fix, and never quotes the secret.
 */

// Neither "secret" nor "token" in it, so the check cannot lean on the value's own wording.
const SECRET = 'cfg-Hq7Zr2Lp9xWv';

/** Every setting that grants access to something, as a config file would hold it. */
const SECRET_SETTINGS: Record<string, object> = {
  'whatsapp.appSecret': { whatsapp: { appSecret: SECRET } },
  'whatsapp.verifyToken': { whatsapp: { verifyToken: SECRET } },
  'hubspot.token': { hubspot: { token: SECRET } },
  'zoho.clientSecret': { zoho: { clientSecret: SECRET } },
  'zoho.refreshToken': { zoho: { refreshToken: SECRET } },
  'notifications.whatsapp.accessToken': {
    notifications: {
      whatsapp: { baseUrl: 'https://graph.facebook.com/v21.0', accessToken: SECRET, phoneNumberId: '1', templateName: 't', languageCode: 'en', recipients: {} },
    },
  },
  // Slack's incoming webhook URLs are the credential themselves.
  'notifications.webhookUrls': { notifications: { webhookUrls: { '*': `https://hooks.slack.com/services/T000/B000/${SECRET}` } } },
};

/** Modes that let someone other than the owner read (or write) the file. */
const OPEN_MODES = [0o644, 0o640, 0o604, 0o660, 0o666, 0o620];

function configFile(content: object, mode: number): string {
  const file = join(tempDir(), 'replywatch.json');
  writeFileSync(file, JSON.stringify(content));
  chmodSync(file, mode);
  return file;
}

const refusal = (file: string, mode: number) => `config file ${file} holds secrets but others can read it (mode ${mode.toString(8)}); run: chmod 600 ${file}`;

describe('a config file holding secrets', () => {
  for (const [setting, content] of Object.entries(SECRET_SETTINGS)) {
    it(`is refused when others can read it: ${setting}`, () => {
      for (const mode of OPEN_MODES) {
        const file = configFile(content, mode);
        let message = '';
        try {
          loadConfig({ file, env: {} });
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message, mode.toString(8)).toBe(refusal(file, mode));
        expect(message).not.toContain(SECRET);
      }
    });
  }

  it('is read when only its owner can read it, 600 or 400', () => {
    for (const mode of [0o600, 0o400]) {
      const config = loadConfig({ file: configFile(SECRET_SETTINGS['notifications.webhookUrls']!, mode), env: {} });
      expect(config.notifications.webhookUrls['*']).toContain(SECRET);
      expect(loadConfig({ file: configFile(SECRET_SETTINGS['hubspot.token']!, mode), env: {} }).hubspot.token).toBe(SECRET);
    }
  });

  it('is not needed for settings that grant nothing: a readable file without secrets is fine', () => {
    const file = configFile({ server: { port: 4001 }, alerts: { atRiskShare: 0.7 }, notifications: { webhookUrls: {} } }, 0o644);
    expect(loadConfig({ file, env: {} }).server.port).toBe(4001);
  });
});

describe('the CLI with a config file others can read', () => {
  it('`serve --config` refuses to start, in one line naming the file and the fix', async () => {
    const file = configFile({ whatsapp: { appSecret: SECRET, verifyToken: SECRET } }, 0o640);
    const result = await runCli(['--data', tempDir(), 'serve', '--port', '0', '--config', file], { WHATSAPP_APP_SECRET: '', WHATSAPP_VERIFY_TOKEN: '' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`replywatch: ${refusal(file, 0o640)}`);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('`serve` refuses REPLYWATCH_CONFIG the same way', async () => {
    const file = configFile(SECRET_SETTINGS['notifications.webhookUrls']!, 0o604);
    const result = await runCli(['--data', tempDir(), 'serve', '--port', '0'], { REPLYWATCH_CONFIG: file });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`replywatch: ${refusal(file, 0o604)}`);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('`ingest crm hubspot --config` refuses before any request, in one line', async () => {
    const file = configFile({ hubspot: { token: SECRET, baseUrl: 'http://127.0.0.1:9' } }, 0o644);
    const result = await runCli(['--data', tempDir(), 'ingest', 'crm', 'hubspot', '--config', file], { HUBSPOT_TOKEN: '' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`replywatch: ${refusal(file, 0o644)}`);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('`serve --config` with the file at 600 takes the app secret from it: webhooks signed with it land', async () => {
    const file = configFile({ whatsapp: { appSecret: SECRET, verifyToken: 'cfg-verify-token' } }, 0o600);
    const server = await startServerProcess(tempDir(), ['--config', file], { WHATSAPP_APP_SECRET: '', WHATSAPP_VERIFY_TOKEN: '' });
    try {
      const body = fixtureLines('every-message-type.ndjson')[0]!;
      const post = (secret: string) =>
        fetch(`${server.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, secret) }, body });
      expect((await post(SECRET)).status).toBe(200);
      expect((await post('test-app-secret-1234')).status).toBe(401);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
