import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { landFile } from '../../ingest/landing/land-file.ts';
import { RAW_TABLES } from '../../ingest/load-raw.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'whatsapp');

async function rawCounts(raw: string): Promise<Record<string, number>> {
  const sql = RAW_TABLES.map((table) => `select '${table}' as t, count(*) as n from ${table}`).join(' union all ');
  return Object.fromEntries((await queryFile(raw, sql)).map((row) => [row.t, row.n]));
}

function outboundFile(dir: string): string {
  const file = join(dir, 'outbound.ndjson');
  const records = [1, 2, 3].map((n) => ({
    wamid: `wamid.OUT${n}`,
    phone_number_id: '800000000000001',
    to: '919811112222',
    sent_at: `2026-11-27T10:0${n}:00+05:30`,
    author_kind: 'automation',
    type: 'text',
    text: `message ${n}`,
  }));
  writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n'));
  return file;
}

describe('ingest is idempotent', () => {
  it('changes nothing when the same files are ingested again', async () => {
    const data = tempDir();
    const paths = dataPaths(data);
    const whatsapp = join(FIXTURES, 'every-message-type.ndjson');
    const outbound = outboundFile(data);
    expect((await runCli(['--data', data, 'ingest', 'whatsapp', whatsapp])).code).toBe(0);
    expect((await runCli(['--data', data, 'ingest', 'outbound', outbound])).code).toBe(0);
    const before = await rawCounts(paths.raw);
    const segmentsBefore = readdirSync(join(paths.landing, 'whatsapp'));

    const again = await runCli(['--data', data, 'ingest', 'whatsapp', whatsapp]);
    expect(again.stdout).toContain('raw.duckdb: nothing new');
    expect(again.stderr).toContain('already landed');
    await runCli(['--data', data, 'ingest', 'outbound', outbound]);

    expect(await rawCounts(paths.raw)).toEqual(before);
    expect(readdirSync(join(paths.landing, 'whatsapp'))).toEqual(segmentsBefore);
    expect(before.raw_whatsapp_messages).toBe(19);
    expect(before.raw_outbound_messages).toBe(3);
  });

  it('loses nothing and doubles nothing after a crash between landing and load', async () => {
    const data = tempDir();
    const paths = dataPaths(data);
    const outbound = outboundFile(data);
    // The landing append finished and was fsynced; the process died before loading raw.duckdb.
    await landFile(paths, 'outbound', outbound);

    // The re-run finds the file already landed and loads the segment that was left pending.
    const rerun = await runCli(['--data', data, 'ingest', 'outbound', outbound]);
    expect(rerun.code).toBe(0);
    expect(await queryFile(paths.raw, 'select wamid from raw_outbound_messages order by wamid')).toEqual([
      { wamid: 'wamid.OUT1' },
      { wamid: 'wamid.OUT2' },
      { wamid: 'wamid.OUT3' },
    ]);
  });

  it('loads segments left by an interrupted ingest on the next build, once', async () => {
    const data = tempDir();
    const paths = dataPaths(data);
    await landFile(paths, 'whatsapp', join(FIXTURES, 'statuses-out-of-order.ndjson'));
    // A second copy of the same bodies, as a crash after sealing but before the manifest line leaves.
    writeFileSync(join(paths.landing, 'manifest.ndjson'), '');
    await landFile(paths, 'whatsapp', join(FIXTURES, 'statuses-out-of-order.ndjson'));
    // A torn, unsealed segment of a process that died mid-append is never loaded.
    writeFileSync(join(paths.landing, 'whatsapp', '20260101T000000000Z-1-1.ndjson.part'), '{"seq":1,"landed_at":"2026-01-');

    const ingest = await runCli(['--data', data, 'ingest', 'outbound', outboundFile(data)]);
    expect(ingest.code).toBe(0);
    expect(await queryFile(paths.raw, "select status, count(*) as n from raw_whatsapp_statuses where wamid = 'wamid.OUT1' group by status order by status")).toEqual([
      { status: 'delivered', n: 1 },
      { status: 'read', n: 1 },
      { status: 'sent', n: 1 },
    ]);
  });
});
