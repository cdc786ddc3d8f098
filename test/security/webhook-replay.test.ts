import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { APP_SECRET } from '../helpers/webhook-app.ts';
import { inboundWebhook, scenarioApp, type ScenarioApp } from '../api/scenario/alert-scenario.ts';

/**
 * A signed webhook is valid forever: whoever captured one (or Meta, retrying) can send it again.
 * Replays must not double anything a user sees: the inquiry, its messages, its counts.
 */

const WA_ID = '919811155555';
const AT = Date.parse('2026-11-27T10:30:00+05:30');
const FIRST = inboundWebhook(WA_ID, 'Replay Rani', 'Is the NEET crash course still open? Please send the fee.', AT, 'wamid.REPLAY1');
const SECOND = inboundWebhook(WA_ID, 'Replay Rani', 'And the batch timings?', AT + 60_000, 'wamid.REPLAY2');
/** The first message again in an envelope of other bytes, correctly signed: a replay the body hash cannot catch. */
const FIRST_REWRAPPED = JSON.stringify(JSON.parse(FIRST), null, 2);

let scenario: ScenarioApp | undefined;
afterAll(async () => scenario?.app.close());

describe('a replayed signed webhook', () => {
  it('is accepted each time but counted once: one inquiry, each message once, after a build', async () => {
    const paths = dataPaths(tempDir('replywatch-replay-'));
    mkdirSync(paths.sources, { recursive: true });
    const roster = join(paths.sources, 'roster.csv');
    writeFileSync(roster, 'agent_id,name,email,role,team,supervisor_id,capacity,active\na_owner,Owner,owner@example.in,owner,sales,,10,true\n');
    expect((await runCli(['--data', paths.root, 'ingest', 'roster', roster])).code).toBe(0);

    const server = await startServerProcess(paths.root);
    const post = (body: string) =>
      fetch(`${server.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, APP_SECRET) },
        body,
      });
    const sent = [FIRST, FIRST, SECOND, FIRST, FIRST_REWRAPPED, SECOND, FIRST];
    // One at a time and all at once: the receiver answers 200 to every one of them.
    for (const body of sent) expect((await post(body)).status).toBe(200);
    expect((await Promise.all(sent.map(post))).map((response) => response.status)).toEqual(sent.map(() => 200));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const build = await runCli(['--data', paths.root, 'build']);
    expect(build.code, build.stderr).toBe(0);

    // Three distinct bodies reached the landing log (14 times); raw keeps each body once.
    expect(await queryFile(paths.raw, 'select count(*) as n from raw_whatsapp_webhooks')).toEqual([{ n: 3 }]);
    const inquiries = await queryFile(paths.warehouse, `select inquiry_id, inbound_message_count from fct_inquiries where contact_wa_id = '${WA_ID}'`);
    expect(inquiries).toHaveLength(1);
    expect(inquiries[0]!.inbound_message_count).toBe(2);

    // What a responder reads before writing: each message once.
    scenario = await scenarioApp(paths);
    const context = await scenario.app.inject({ url: `/api/inquiries/${inquiries[0]!.inquiry_id}`, headers: scenario.as.owner });
    expect(context.statusCode, context.body).toBe(200);
    const messages = (context.json().messages as Array<{ message_id: string; direction: string }>).filter((message) => message.direction === 'inbound');
    expect(messages.map((message) => message.message_id)).toEqual(['wamid.REPLAY1', 'wamid.REPLAY2']);
  });
});
