import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { warehouseDifferences } from '../helpers/compare-warehouses.ts';
import { OUTBOUND_RECORD } from '../helpers/outbound-record.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { webhookBody } from '../helpers/webhook-body.ts';

// Real webhook shapes: a contact who first writes with only a business-scoped user id, then with
// their WhatsApp id too, and a status addressed to the user id; Business-app echoes and history.
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'whatsapp', 'echoes-history-and-usernames.ndjson');
const LINES = readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
const PAIRING_LINE = LINES.findIndex((line) => line.includes('"user_id":"IN.9990001","wa_id"'));

async function mustRun(args: string[]): Promise<string> {
  const result = await runCli(args);
  expect(result.code, `replywatch ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

async function ingestLines(paths: DataPaths, name: string, lines: string[], kind = 'whatsapp'): Promise<void> {
  const file = join(paths.root, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  await mustRun(['--data', paths.root, 'ingest', kind, file]);
}

/** A copy of the data directory, built in full as of the same moment as the incremental one. */
async function fullBuildBeside(paths: DataPaths, asOf: string): Promise<DataPaths> {
  const full = dataPaths(tempDir('replywatch-full-'));
  cpSync(paths.root, full.root, { recursive: true, filter: (source) => !/\.leases|\.pipeline\.lock/.test(source) });
  expect(await mustRun(['--data', full.root, 'build', '--full-refresh', '--as-of', asOf])).not.toMatch(/incrementally/);
  return full;
}

async function expectSameWarehouse(paths: DataPaths, full: DataPaths): Promise<void> {
  const { compared, differing } = await warehouseDifferences(paths.warehouse, full.warehouse);
  expect(compared).toEqual(expect.arrayContaining(['int_messages_unified', 'int_inquiries_sessionized', 'int_messages_by_inquiry', 'fct_inquiries']));
  expect(differing).toEqual({});
}

const contactOf = async (paths: DataPaths, messageId: string) =>
  (await queryFile(paths.warehouse, `select contact_id from int_messages_by_inquiry where message_id = '${messageId}'`))[0]?.contact_id;

describe('an incremental build recomputes whole contacts', () => {
  it('files a contact’s earlier messages under their WhatsApp id once a later webhook pairs it with their user id', async () => {
    expect(PAIRING_LINE).toBeGreaterThan(0);
    const paths = dataPaths(tempDir('replywatch-rekey-'));
    await ingestLines(paths, 'before.ndjson', LINES.slice(0, PAIRING_LINE));
    await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-03T00:00:00Z']);
    expect(await contactOf(paths, 'wamid.BSUIDONLY')).toBe('user:IN.9990001');

    await ingestLines(paths, 'after.ndjson', LINES.slice(PAIRING_LINE));
    expect(await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-03T00:00:00Z'])).toMatch(/incrementally/);
    expect(await contactOf(paths, 'wamid.BSUIDONLY')).toBe('919855556666');
    expect(await queryFile(paths.warehouse, "select count(*) as inquiries from int_inquiries_sessionized where contact_id = 'user:IN.9990001'")).toEqual([{ inquiries: 0 }]);
    await expectSameWarehouse(paths, await fullBuildBeside(paths, '2025-07-03T00:00:00Z'));
  });

  it('takes in what happened between the previous build’s "now" and its own, forward or back, with nothing new loaded', { timeout: 360_000 }, async () => {
    const paths = dataPaths(tempDir('replywatch-window-'));
    await ingestLines(paths, 'all.ndjson', LINES);
    // 20:02: Asha has asked (20:00) and the Business-app reply (20:05) has not happened yet.
    await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-01T20:02:00Z']);
    expect(await contactOf(paths, 'wamid.BSUIDONLY')).toBeUndefined();
    const firstResponse = `select first_response_seconds from fct_inquiries where contact_id = '919811112222'`;
    expect(await queryFile(paths.warehouse, firstResponse)).toEqual([{ first_response_seconds: null }]);

    expect(await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-03T00:00:00Z'])).toMatch(/incrementally.*nothing new/);
    expect(await queryFile(paths.warehouse, firstResponse)).toEqual([{ first_response_seconds: 300 }]);
    expect(await contactOf(paths, 'wamid.BSUIDONLY')).toBe('919855556666');
    await expectSameWarehouse(paths, await fullBuildBeside(paths, '2025-07-03T00:00:00Z'));

    // Into day 4 of the silence after the 20:05 reply (re_engagement_from), before it goes dormant.
    const reEngagements = `select count(*)::int as owed from fct_reply_obligations where contact_id = '919811112222' and kind = 're_engagement'`;
    expect(await queryFile(paths.warehouse, reEngagements)).toEqual([{ owed: 0 }]);
    expect(await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-06T00:00:00Z'])).toMatch(/incrementally/);
    expect(await queryFile(paths.warehouse, reEngagements)).toEqual([{ owed: 1 }]);
    await expectSameWarehouse(paths, await fullBuildBeside(paths, '2025-07-06T00:00:00Z'));

    // Past 14 days of silence (dormant_after) after the 20:05 reply, with no message in between.
    const closeReason = `select close_reason from fct_inquiries where contact_id = '919811112222'`;
    expect(await queryFile(paths.warehouse, closeReason)).toEqual([{ close_reason: null }]);
    expect(await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-20T00:00:00Z'])).toMatch(/incrementally/);
    expect(await queryFile(paths.warehouse, closeReason)).toEqual([{ close_reason: 'dormant' }]);
    await expectSameWarehouse(paths, await fullBuildBeside(paths, '2025-07-20T00:00:00Z'));

    expect(await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-01T20:02:00Z'])).toMatch(/incrementally/);
    expect(await queryFile(paths.warehouse, firstResponse)).toEqual([{ first_response_seconds: null }]);
    expect(await queryFile(paths.warehouse, closeReason)).toEqual([{ close_reason: null }]);
    await expectSameWarehouse(paths, await fullBuildBeside(paths, '2025-07-01T20:02:00Z'));
  });

  it('updates a message’s delivery when its status arrives addressed only to a user id nobody has paired yet', async () => {
    const paths = dataPaths(tempDir('replywatch-status-'));
    const sentAt = Date.parse('2025-07-02T10:00:00Z') / 1000;
    const record = { ...OUTBOUND_RECORD, wamid: 'wamid.LOGGED1', to: '919822223333', sent_at: '2025-07-02T10:00:00Z' };
    await ingestLines(paths, 'outbound.ndjson', [JSON.stringify(record)], 'outbound');
    await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-03T00:00:00Z']);
    const delivery = `select contact_id, delivery_status from int_messages_unified where message_id = 'wamid.LOGGED1'`;
    expect(await queryFile(paths.warehouse, delivery)).toEqual([{ contact_id: '919822223333', delivery_status: null }]);

    // Filed by its recipient under user:IN.7770001, a contact of its own: the message's contact
    // must be recomputed as well, or the message stays undelivered until a full build.
    const status = { id: 'wamid.LOGGED1', status: 'read', timestamp: String(sentAt + 60), recipient_user_id: 'IN.7770001' };
    await ingestLines(paths, 'status.ndjson', [JSON.stringify(webhookBody({ statuses: [status] }))]);
    expect(await mustRun(['--data', paths.root, 'build', '--as-of', '2025-07-03T00:00:00Z'])).toMatch(/incrementally/);
    expect(await queryFile(paths.warehouse, delivery)).toEqual([{ contact_id: '919822223333', delivery_status: 'read' }]);
    await expectSameWarehouse(paths, await fullBuildBeside(paths, '2025-07-03T00:00:00Z'));
  });
});
