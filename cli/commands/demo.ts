import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../api/server.ts';
import { createKey, listKeys, revokeKey } from '../../lib/api-keys.ts';
import { resolveNow } from '../../lib/clock.ts';
import { loadConfig } from '../../lib/config.ts';
import type { DataPaths } from '../../lib/data-paths.ts';
import { BUSINESS } from '../../ingest/demo/coaching-institute.ts';
import { generateDemo } from '../../ingest/demo/generate-demo.ts';
import { buildDashboard } from '../../pipeline/build-dashboard.ts';
import { buildWarehouse } from '../../pipeline/build-warehouse.ts';
import { healthSummary, queueSummary } from '../../pipeline/health-summary.ts';
import { defaultDashboardDir } from '../../pipeline/project-paths.ts';
import { pathsFrom } from '../data-dir-option.ts';
import { demoEnd } from '../demo-end.ts';
import { ingestFiles } from '../ingest-files.ts';
import { reportGenerated, reportLoad } from '../reports.ts';

/** Input kind → the file `generate` writes for it. */
const DEMO_FILES = {
  roster: 'roster.csv',
  'crm-contacts': 'crm-contacts.csv',
  'crm-deals': 'crm-deals.csv',
  whatsapp: 'whatsapp.ndjson',
  outbound: 'outbound.ndjson',
  inbox: 'inbox.ndjson',
} as const;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate demo data (when <data>/sources is empty), ingest it, build the warehouse and the dashboard, print a health summary, then serve')
    .option('--no-serve', 'stop after building instead of starting the server')
    .option('--port <n>', 'port for the server (default 3000)')
    .action(async (options: { serve: boolean; port?: string }, command: Command) => {
      const paths = pathsFrom(command);
      await runDemo(paths);
      const dashboardDir = defaultDashboardDir();
      await buildDashboard(paths, dashboardDir);
      if (options.serve) await serveDemo(paths, dashboardDir, options.port);
      else process.stdout.write(`dashboard: built in ${dashboardDir}; \`npx replywatch serve\` serves it at /\n`);
    });
}

/**
 * The webhook receiver on loopback. Without WHATSAPP_APP_SECRET set, the demo makes up a secret
 * and a verify token for this run and prints a signed sample request to try.
 */
async function serveDemo(paths: DataPaths, dashboardDir: string, port?: string): Promise<void> {
  const generated = !process.env.WHATSAPP_APP_SECRET;
  const env = generated
    ? { ...process.env, WHATSAPP_APP_SECRET: randomBytes(16).toString('hex'), WHATSAPP_VERIFY_TOKEN: randomBytes(8).toString('hex') }
    : process.env;
  const config = loadConfig({ env, overrides: { server: { host: '127.0.0.1', ...(port ? { port: Number(port) } : {}) } } });
  const server = await startServer({ paths, config, insecureDev: false, dashboardDir });
  const sample = join(paths.sources, 'sample-webhook.json');
  writeFileSync(sample, sampleWebhook());
  const secret = config.whatsapp.appSecret!;
  const key = demoOwnerKey(paths);
  process.stdout.write(
    `\nreceiving WhatsApp webhooks at ${server.url}/webhooks/whatsapp; the warehouse rebuilds every ${config.server.buildEverySeconds}s (Ctrl+C stops)\n` +
      (generated ? `app secret for this run: ${secret}; verify token: ${config.whatsapp.verifyToken}\n` : '') +
      `send a signed test message:\n  curl -s ${server.url}/webhooks/whatsapp -H 'Content-Type: application/json' ` +
      `-H "X-Hub-Signature-256: sha256=$(openssl dgst -sha256 -hmac '${generated ? secret : '$WHATSAPP_APP_SECRET'}' < ${sample} | cut -d' ' -f2)" --data-binary @${sample}\n` +
      `the alert API, with an owner key made for this run (replywatch keys create makes more):\n` +
      `  curl -s -H 'Authorization: Bearer ${key}' '${server.url}/api/alerts?severity=critical&limit=5'\n` +
      `  curl -s -H 'Authorization: Bearer ${key}' '${server.url}/api/queue?limit=5'\n` +
      `\ndashboard: ${server.url}/ (the live board asks for an API key: paste the owner key above)\n`,
  );
}

/** A fresh owner key named "demo"; the previous run's is revoked, so demo keys never pile up. */
function demoOwnerKey(paths: DataPaths): string {
  for (const record of listKeys(paths.state)) {
    if (record.name === 'demo' && !record.revokedAt) revokeKey(paths.state, record.id);
  }
  return createKey(paths.state, { role: 'owner', name: 'demo' }).key;
}

/** A webhook as Meta sends it: a new contact asking about fees, now. */
function sampleWebhook(): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: BUSINESS.wabaId, changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: BUSINESS.displayPhoneNumber, phone_number_id: BUSINESS.phoneNumberId },
      contacts: [{ profile: { name: 'Test Contact' }, wa_id: '919999900001' }],
      messages: [{ from: '919999900001', id: `wamid.SAMPLE${Date.now()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'Hi, what are the fees for the NEET repeater batch?' } }],
    } }] }],
  });
}

async function runDemo(paths: DataPaths): Promise<void> {
  if (!hasSources(paths)) {
    reportGenerated(await generateDemo({ outDir: paths.sources, months: 3, inquiriesPerMonth: 300, seed: 42, end: demoEnd() }));
  }
  for (const [kind, file] of Object.entries(DEMO_FILES)) {
    await ingestFiles(paths, kind, [join(paths.sources, file)]);
  }
  const build = await buildWarehouse(paths, resolveNow());
  reportLoad(build.load);
  process.stdout.write(`\nbuilt ${paths.warehouse} as of ${build.asOf.toISOString()} in ${build.seconds.toFixed(1)}s\n`);
  process.stdout.write(`${await healthSummary(paths)}\n\n${await queueSummary(paths)}\n`);
  process.stdout.write(`\nquery it: npx replywatch query "select * from rpt_next_actions limit 10"\n`);
}

function hasSources(paths: DataPaths): boolean {
  return existsSync(paths.sources) && Object.values(DEMO_FILES).every((file) => readdirSync(paths.sources).includes(file));
}
