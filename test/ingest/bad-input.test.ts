import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const OUTBOUND_OK = {
  wamid: 'wamid.OK1',
  phone_number_id: '800000000000001',
  to: '919811112222',
  sent_at: '2026-11-27T10:00:00+05:30',
  author_kind: 'agent',
  agent_id: 'a_priya',
  type: 'text',
  text: 'Hello',
};

function setup(name: string, content: string): { data: string; file: string } {
  const data = tempDir();
  const file = join(data, name);
  writeFileSync(file, content);
  return { data, file };
}

describe('bad input to `replywatch ingest`', () => {
  it('names a missing file in one line and exits non-zero', async () => {
    const data = tempDir();
    const result = await runCli(['--data', data, 'ingest', 'outbound', join(data, 'nope.ndjson')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(`replywatch: ${join(data, 'nope.ndjson')}: no such file`);
  });

  it('names an unknown kind and lists the kinds', async () => {
    const { data, file } = setup('x.ndjson', '{}\n');
    const result = await runCli(['--data', data, 'ingest', 'tickets', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      'replywatch: unknown kind "tickets"; expected one of: whatsapp, outbound, inbox, roster, crm-contacts, crm-deals',
    );
  });

  it('rejects a CSV whose header lacks columns, naming the file, line and columns, without a stack trace', async () => {
    const { data, file } = setup('roster.csv', 'agent,name,role\na1,Asha,sales\n');
    const result = await runCli(['--data', data, 'ingest', 'roster', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`replywatch: ${file}:1: the header lacks columns agent_id, team, capacity, active (it has: agent, name, role)`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await queryFile(dataPaths(data).raw, 'select count(*) as n from raw_roster').catch(() => [{ n: 0 }])).toEqual([{ n: 0 }]);
  });

  it('quarantines a line that is not JSON, with file and line, exits 2, and still loads the good lines', async () => {
    const good2 = { ...OUTBOUND_OK, wamid: 'wamid.OK2' };
    const { data, file } = setup('outbound.ndjson', `${JSON.stringify(OUTBOUND_OK)}\n{"wamid": "wamid.BROKEN",\n${JSON.stringify(good2)}\n`);
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:2: not JSON`);
    expect(result.stderr).toContain('2 accepted, 1 quarantined');
    expect(result.stderr).toContain('replywatch: 1 record(s) quarantined; the good ones loaded (see raw_quarantine)');
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, 'select wamid from raw_outbound_messages order by wamid')).toEqual([{ wamid: 'wamid.OK1' }, { wamid: 'wamid.OK2' }]);
    const [quarantined] = await queryFile(raw, 'select kind, source_line, reason, record_text from raw_quarantine');
    expect(quarantined).toMatchObject({ kind: 'outbound', source_line: 2, record_text: '{"wamid": "wamid.BROKEN",' });
    expect(String(quarantined?.reason)).toMatch(/^not JSON/);
  });

  it('quarantines records that break the contract, each with its reason', async () => {
    const lines = [
      OUTBOUND_OK,
      { ...OUTBOUND_OK, wamid: 'wamid.NOTIME', sent_at: 'yesterday' },
      { ...OUTBOUND_OK, wamid: 'wamid.NOAGENT', agent_id: null },
    ];
    const { data, file } = setup('outbound.ndjson', lines.map((line) => JSON.stringify(line)).join('\n'));
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:2: sent_at "yesterday" is not an ISO 8601 time with an offset`);
    expect(result.stderr).toContain(`quarantined ${file}:3: agent_id is missing on a message by an agent`);
    const raw = dataPaths(data).raw;
    expect(await queryFile(raw, 'select count(*) as n from raw_outbound_messages')).toEqual([{ n: 1 }]);
    expect(await queryFile(raw, 'select count(*) as n from raw_quarantine')).toEqual([{ n: 2 }]);
  });

  it('quarantines a webhook body that is not a WhatsApp Business Account object', async () => {
    const { data, file } = setup('hooks.ndjson', '{"object":"page","entry":[]}\n');
    const result = await runCli(['--data', data, 'ingest', 'whatsapp', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:1: object is "page", not "whatsapp_business_account"`);
  });

  it('refuses a time that does not exist, which a lenient parser would roll over', async () => {
    const { data, file } = setup('outbound.ndjson', JSON.stringify({ ...OUTBOUND_OK, sent_at: '2026-02-30T10:00:00+05:30' }));
    const result = await runCli(['--data', data, 'ingest', 'outbound', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:1: sent_at "2026-02-30T10:00:00+05:30" is not an ISO 8601 time with an offset`);
  });

  it('reports parts of a webhook batch it quarantined while loading, and loads the rest', async () => {
    const data = tempDir();
    const file = join(import.meta.dirname, '..', 'fixtures', 'whatsapp', 'batch-with-bad-updates.ndjson');
    const result = await runCli(['--data', data, 'ingest', 'whatsapp', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`quarantined ${file}:1: message without an id`);
    expect(result.stderr).toContain(`quarantined ${file}:1: status without a message id`);
    expect(result.stderr).toContain('replywatch: 3 record(s) quarantined');
    expect(await queryFile(dataPaths(data).raw, 'select count(*) as n from raw_whatsapp_messages')).toEqual([{ n: 2 }]);
  });

  it('refuses a WhatsApp file given as CSV', async () => {
    const { data, file } = setup('hooks.csv', 'a\n1\n');
    const result = await runCli(['--data', data, 'ingest', 'whatsapp', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(`replywatch: ${file}: whatsapp records come as ndjson, not csv`);
  });
});
