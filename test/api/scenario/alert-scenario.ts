import type { FastifyInstance } from 'fastify';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../../api/app.ts';
import { createGroupCommitAppender } from '../../../ingest/landing/group-commit-appender.ts';
import { createKey } from '../../../lib/api-keys.ts';
import { loadConfig, type Config, type ConfigOverrides } from '../../../lib/config.ts';
import { dataPaths, type DataPaths } from '../../../lib/data-paths.ts';
import { processLease } from '../../../lib/process-lease.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { APP_SECRET, VERIFY_TOKEN } from '../../helpers/webhook-app.ts';

/**
 * A small business on a Friday morning, built through the real CLI: three prospects wrote at
 * 11:00 IST; the build ran at 11:02, so every clock is still running and the API has to fire the
 * alerts by itself, between builds.
 */
export const PHONE_NUMBER_ID = '106540352242922';
export const OPENED_AT = Date.parse('2026-11-27T11:00:00+05:30');
export const BUILT_AS_OF = '2026-11-27T11:02:00+05:30';
export const CONTACTS = {
  /** Sales team's: high intent, assigned to a_sales. */
  sales: { waId: '919800000001', name: 'Meera', text: 'We are ready to join the NEET 2 year. Please send the payment link.', agent: 'a_sales' },
  /** Support team's: a question, assigned to a_support. */
  support: { waId: '919800000002', name: 'Arjun', text: 'What are the timings of the weekend batch?', agent: 'a_support' },
  /** Nobody's yet. */
  unowned: { waId: '919800000003', name: 'Kiran', text: 'Please send the fee details for JEE crash course', agent: null },
} as const;

const ROSTER = `agent_id,name,email,role,team,supervisor_id,capacity,active
a_owner,Rajesh Malhotra,rajesh@example.in,owner,management,,15,true
a_lead,Priya Sharma,priya@example.in,senior,sales,a_owner,20,true
a_sales,Sneha Iyer,sneha@example.in,sales,sales,a_lead,25,true
a_support,Kavya Nair,kavya@example.in,support,support,a_lead,30,true
`;

export function inboundWebhook(waId: string, name: string, text: string, at: number, id = `wamid.IN${waId}${at}`): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '919820012345', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name }, wa_id: waId }],
              messages: [{ from: waId, id, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
}

/** What a person typing in the WhatsApp Business app looks like to the webhook. */
export function echoWebhook(waId: string, text: string, at: number): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'smb_message_echoes',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '919820012345', phone_number_id: PHONE_NUMBER_ID },
              message_echoes: [{ from: '919820012345', to: waId, id: `wamid.ECHO${waId}${at}`, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
}

export function outboundRecord(waId: string, agentId: string, at: number): string {
  return JSON.stringify({
    wamid: `wamid.OUT${waId}${at}`,
    phone_number_id: PHONE_NUMBER_ID,
    to: waId,
    sent_at: new Date(at).toISOString(),
    author_kind: 'agent',
    agent_id: agentId,
    type: 'text',
    template_name: null,
    text: 'Hello! Sharing the details now.',
  });
}

async function mustRun(args: string[]): Promise<void> {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`replywatch ${args.join(' ')} failed:\n${result.stderr}`);
}

/** Generates, ingests and builds the scenario into a fresh data directory. */
export async function buildScenario(): Promise<DataPaths> {
  const paths = dataPaths(tempDir('replywatch-alerts-'));
  const sources = join(paths.root, 'scenario');
  await import('node:fs').then((fs) => fs.mkdirSync(sources, { recursive: true }));
  writeFileSync(join(sources, 'roster.csv'), ROSTER);
  writeFileSync(
    join(sources, 'whatsapp.ndjson'),
    Object.values(CONTACTS)
      .map((contact) => inboundWebhook(contact.waId, contact.name, contact.text, OPENED_AT))
      .join('\n') + '\n',
  );
  writeFileSync(
    join(sources, 'inbox.ndjson'),
    Object.values(CONTACTS)
      .filter((contact) => contact.agent !== null)
      .map((contact) =>
        JSON.stringify({
          event_id: `evt_assign_${contact.waId}`,
          type: 'assigned',
          at: new Date(OPENED_AT + 60_000).toISOString(),
          phone_number_id: PHONE_NUMBER_ID,
          wa_id: contact.waId,
          agent_id: contact.agent,
          by: 'automation',
        }),
      )
      .join('\n') + '\n',
  );
  await mustRun(['--data', paths.root, 'ingest', 'roster', join(sources, 'roster.csv')]);
  await mustRun(['--data', paths.root, 'ingest', 'whatsapp', join(sources, 'whatsapp.ndjson')]);
  await mustRun(['--data', paths.root, 'ingest', 'inbox', join(sources, 'inbox.ndjson')]);
  await mustRun(['--data', paths.root, 'build', '--as-of', BUILT_AS_OF]);
  return paths;
}

/** A clock the test moves by hand. */
export interface TestClock {
  now: Date;
  set(time: number | string): void;
}

export function testClock(start: number | string = BUILT_AS_OF): TestClock {
  const clock: TestClock = {
    now: new Date(start),
    set(time) {
      clock.now = new Date(time);
    },
  };
  return clock;
}

export interface ScenarioApp {
  app: FastifyInstance;
  clock: TestClock;
  config: Config;
  /** Authorization headers of one key per role and scope. */
  as: Record<'owner' | 'analyst' | 'salesLead' | 'supportLead' | 'salesAgent' | 'supportAgent', { authorization: string }>;
}

/** The real app over the scenario's data directory, with a pinned clock and keys for every role. */
export async function scenarioApp(
  paths: DataPaths,
  options: { config?: ConfigOverrides; clock?: TestClock; alertTimer?: boolean; retryBaseMs?: number } = {},
): Promise<ScenarioApp> {
  const config = loadConfig({ env: { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN }, overrides: options.config ?? {} });
  const clock = options.clock ?? testClock();
  const app = await buildApp({
    config,
    paths,
    whatsappLanding: createGroupCommitAppender(join(paths.landing, 'whatsapp'), processLease(paths.leases)),
    now: () => clock.now,
    alertTimer: options.alertTimer ?? false,
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });
  const key = (request: Parameters<typeof createKey>[1]) => ({ authorization: `Bearer ${createKey(paths.state, request).key}` });
  return {
    app,
    clock,
    config,
    as: {
      owner: key({ role: 'owner' }),
      analyst: key({ role: 'analyst' }),
      salesLead: key({ role: 'supervisor', team: 'sales' }),
      supportLead: key({ role: 'supervisor', team: 'support' }),
      salesAgent: key({ role: 'agent', agentId: 'a_sales' }),
      supportAgent: key({ role: 'agent', agentId: 'a_support' }),
    },
  };
}
