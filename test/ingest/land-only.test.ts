import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { OUTBOUND_RECORD } from '../helpers/outbound-record.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const OUTBOUND = { ...OUTBOUND_RECORD, wamid: 'wamid.LAND1' };

describe('`replywatch ingest --land-only`', () => {
  it('appends to the landing log without touching raw.duckdb, and the next load takes every record, the quarantined one too', async () => {
    const paths = dataPaths(tempDir());
    const file = join(paths.root, 'outbound.ndjson');
    writeFileSync(file, `${JSON.stringify(OUTBOUND)}\n{"wamid": "wamid.BROKEN",\n${JSON.stringify({ ...OUTBOUND, wamid: 'wamid.LAND2' })}\n`);

    const result = await runCli(['--data', paths.root, 'ingest', '--land-only', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('landing log: 2 record(s) of outbound; `replywatch build` loads them');
    expect(result.stderr).toContain('replywatch: 1 record(s) quarantined; the good ones landed (raw_quarantine lists them after the next build)');
    expect(existsSync(paths.raw)).toBe(false);

    const load = await loadPendingSegments(paths, { quiet: true });
    expect(load.added).toMatchObject({ raw_outbound_messages: 2, raw_quarantine: 1 });
    expect(await queryFile(paths.raw, 'select wamid from raw_outbound_messages order by wamid')).toEqual([{ wamid: 'wamid.LAND1' }, { wamid: 'wamid.LAND2' }]);
  });

  it('refuses a CRM pull in one line: a pull lands and loads what it pulls', async () => {
    const result = await runCli(['--data', tempDir(), 'ingest', '--land-only', 'crm', 'hubspot']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('replywatch: --land-only is for files; a CRM pull lands and loads what it pulls');
  });
});
