import { afterEach, describe, expect, it } from 'vitest';
import { startFakeReceiver, type FakeReceiver } from './fake-receiver.ts';
import { makeAlert } from './make-alert.ts';
import { startNotifier, type Harness } from './notifier-harness.ts';

let receiver: FakeReceiver;
let harness: Harness;
afterEach(async () => {
  await harness?.notifier.close();
  await receiver?.close();
});

describe('grouping', () => {
  it('sends one notification per supervisor, holding new alerts for the group wait', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { groupWaitSeconds: 30, webhookUrls: { priya: `${receiver.url}/priya`, '*': `${receiver.url}/everyone` } } });
    const forPriya = [makeAlert(), makeAlert()];
    const forArjun = makeAlert({ supervisorAgentId: 'arjun' });
    const unsupervised = makeAlert({ supervisorAgentId: null });
    harness.notifier.update([forPriya[0]!]);
    await harness.notifier.flush();
    harness.advance(20);
    harness.notifier.update([...forPriya, forArjun, unsupervised]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(0);

    // Priya's group started 30 s ago with her first alert; the others joined 10 s ago.
    harness.advance(10);
    await harness.notifier.flush();
    expect(receiver.requests.map((request) => request.path)).toEqual(['/priya']);
    expect(receiver.requests[0]!.body.firing.map((alert: { alert_id: string }) => alert.alert_id).sort()).toEqual(forPriya.map((alert) => alert.id).sort());
    expect(receiver.requests[0]!.body.text.split('\n')[0]).toBe("*2 breaches for priya's team*");

    harness.advance(20);
    await harness.notifier.flush();
    const bySupervisor = new Map(receiver.requests.map((request) => [request.body.supervisor_agent_id, request]));
    expect(receiver.requests).toHaveLength(3);
    expect(bySupervisor.get('arjun')!.path).toBe('/everyone');
    expect(bySupervisor.get('arjun')!.body.firing.map((alert: { alert_id: string }) => alert.alert_id)).toEqual([forArjun.id]);
    expect(bySupervisor.get(null)!.path).toBe('/everyone');
    expect(bySupervisor.get(null)!.body.text).toMatch(/^\*1 breach with no supervisor\*/);
  });

  it('sends nothing for a supervisor with no webhook and no "*" entry', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { priya: `${receiver.url}/priya` } } });
    harness.notifier.update([makeAlert({ supervisorAgentId: 'arjun' }), makeAlert({ supervisorAgentId: null })]);
    await harness.notifier.flush();
    expect(receiver.requests).toHaveLength(0);
  });

  it('tells one inquiry with two alerts as one line naming both kinds', async () => {
    receiver = await startFakeReceiver();
    harness = startNotifier({ notifications: { webhookUrls: { '*': receiver.url } } });
    const inquiry = { inquiryId: 'inq-asha', contact: { id: 'contact-asha', waId: '919800000011', name: 'Asha <Rao> & Co' }, dueAt: '2026-11-27T04:25:00Z' };
    harness.notifier.update([
      makeAlert({ ...inquiry, kind: 'first_response_breach' }),
      makeAlert({ ...inquiry, kind: 'handoff_unacknowledged', severity: 'warning', reason: 'Handed to Ravi, not picked up' }),
      makeAlert({ inquiryId: 'inq-other', dueAt: '2026-11-27T06:25:00Z' }),
    ]);
    await harness.notifier.flush();

    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe(request.body.notification_id);
    expect(request.body.firing).toHaveLength(3);
    const lines = request.body.text.split('\n');
    expect(lines[0]).toBe("*2 breaches for priya's team*");
    expect(lines).toHaveLength(3);
    // The later inquiry first; the contact name escaped for Slack.
    expect(lines[1]).toContain('*Asha &lt;Rao&gt; &amp; Co*: first response breach, handoff unacknowledged, 2h 5m late.');
    expect(lines[1]).toContain('Handed to Ravi, not picked up');
    expect(lines[1]).toContain('Next: Reply with the price list');
    expect(lines[1]).toContain('/api/inquiries/inq-asha/context');
    expect(lines[2]).toContain('5m late');
  });
});
