import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../../lib/config.ts';
import { startFakeReceiver, type FakeReceiver } from './fake-receiver.ts';
import { makeAlert } from './make-alert.ts';
import { startNotifier, type Harness } from './notifier-harness.ts';

const ACCESS_TOKEN = 'EAAG-test-access-token-1234';
let webhook: FakeReceiver;
let cloudApi: FakeReceiver;
let harness: Harness;
afterEach(async () => {
  await harness?.notifier.close();
  await webhook?.close();
  await cloudApi?.close();
});

async function start(): Promise<void> {
  webhook = await startFakeReceiver();
  cloudApi = await startFakeReceiver();
  const whatsapp: Config['notifications']['whatsapp'] = {
    baseUrl: `${cloudApi.url}/v21.0/`,
    accessToken: ACCESS_TOKEN,
    phoneNumberId: '800000000000001',
    templateName: 'sla_breach_alert',
    languageCode: 'en',
    recipients: { priya: '919800000002' },
  };
  harness = startNotifier({ notifications: { webhookUrls: { '*': webhook.url }, whatsapp } });
}

const parameterOf = (body: { template: { components: Array<{ parameters: Array<{ text: string }> }> } }): string => body.template.components[0]!.parameters[0]!.text;

describe('WhatsApp template notifications', () => {
  it('posts a template message to the Cloud API with the bearer token and a one-line parameter', async () => {
    await start();
    harness.notifier.update([
      makeAlert({ contact: { id: 'c-1', waId: '919811112222', name: 'Asha\n\tRao     (VIP)' }, reason: 'No reply\nfor 30 minutes' }),
      makeAlert({ supervisorAgentId: 'arjun' }),
    ]);
    await harness.notifier.flush();

    expect(webhook.accepted()).toHaveLength(2);
    expect(cloudApi.requests).toHaveLength(1);
    const request = cloudApi.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v21.0/800000000000001/messages');
    expect(request.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919800000002',
      type: 'template',
      template: {
        name: 'sla_breach_alert',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: expect.any(String) }] }],
      },
    });
    const text = parameterOf(request.body);
    expect(text).toBe("1 breach for priya's team: Asha Rao (VIP) (first response breach, 30m late)");
    expect(text).not.toMatch(/[\n\t]| {5}/);

    // The token reaches the Cloud API and nowhere else: not the log, not the journal.
    expect(JSON.stringify(harness.logs)).not.toContain(ACCESS_TOKEN);
    expect(readFileSync(harness.journalPath, 'utf8')).not.toContain(ACCESS_TOKEN);
  });

  it('keeps the parameter within 1024 characters however many inquiries breach', async () => {
    await start();
    harness.notifier.update(Array.from({ length: 80 }, (_, index) => makeAlert({ contact: { id: `c-${index}`, waId: null, name: `Customer with a long name ${index}` } })));
    await harness.notifier.flush();
    const text = parameterOf(cloudApi.requests[0]!.body);
    expect(text.startsWith("80 breaches for priya's team: ")).toBe(true);
    expect(Array.from(text).length).toBeLessThanOrEqual(1024);
    expect(text.endsWith('…')).toBe(true);
  });

  it('retries the WhatsApp delivery on its own, leaving the delivered webhook alone', async () => {
    await start();
    cloudApi.failNext(1, 500);
    harness.notifier.update([makeAlert()]);
    await harness.notifier.flush();
    harness.advance(1);
    await harness.notifier.flush();

    expect(webhook.requests).toHaveLength(1);
    expect(cloudApi.requests.map((request) => request.status)).toEqual([500, 200]);
    const log = harness.notifier.deliveries(10).map((entry) => [entry.channel, entry.attempt, entry.status]);
    expect(log).toEqual(expect.arrayContaining([['webhook', 1, 'delivered'], ['whatsapp', 1, 'retrying'], ['whatsapp', 2, 'delivered']]));
    expect(log).toHaveLength(3);
  });

  it('sends the resolved notice to the webhook only', async () => {
    await start();
    harness.notifier.update([makeAlert()]);
    await harness.notifier.flush();
    harness.advance(60);
    harness.notifier.update([]);
    await harness.notifier.flush();
    expect(webhook.requests).toHaveLength(2);
    expect(cloudApi.requests).toHaveLength(1);
  });
});
