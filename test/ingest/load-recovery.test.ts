import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const ROSTER = 'agent_id,name,role,team,supervisor_id,capacity,active\na1,Asha,sales,sales,,30,true\n';

function envelope(seq: number, values: Record<string, unknown>): string {
  return JSON.stringify({ seq, landed_at: '2026-11-27T06:00:00.000Z', source: 'test', source_line: seq, record: values, values });
}

const event = (id: string, at: string) => ({ event_id: id, type: 'closed', at, phone_number_id: 'p', wa_id: '919811112222', agent_id: 'a1' });

describe('loading the landing log', () => {
  it('quarantines a value DuckDB cannot store instead of failing the load, and keeps loading', async () => {
    const data = tempDir();
    const paths = dataPaths(data);
    // Written around the contract (an older version, a hand-made file): a date that does not exist.
    mkdirSync(join(paths.landing, 'inbox'), { recursive: true });
    writeFileSync(
      join(paths.landing, 'inbox', '20261127T060000000Z-1-1.ndjson'),
      `${envelope(1, event('good', '2026-02-28T10:00:00+05:30'))}\n${envelope(2, event('poison', '2026-02-30T10:00:00+05:30'))}\n`,
    );
    const roster = join(data, 'roster.csv');
    writeFileSync(roster, ROSTER);
    const result = await runCli(['--data', data, 'ingest', 'roster', roster]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("quarantined test:2: at 2026-02-30T10:00:00+05:30 is not a valid timestamptz");
    expect(await queryFile(paths.raw, 'select event_id from raw_inbox_events')).toEqual([{ event_id: 'good' }]);
    expect(await queryFile(paths.raw, 'select agent_id from raw_roster')).toEqual([{ agent_id: 'a1' }]);
  });

  it('loads the whole lines of a segment with a torn line in it and quarantines the torn one', async () => {
    const data = tempDir();
    const paths = dataPaths(data);
    mkdirSync(join(paths.landing, 'inbox'), { recursive: true });
    const torn = '{"seq":2,"landed_at":"2026-11-27T06:00:00Z","record":{"ev';
    writeFileSync(
      join(paths.landing, 'inbox', '20261127T060000000Z-0123456789ab-1.ndjson'),
      `${envelope(1, event('before', '2026-11-27T10:00:00+05:30'))}\n${torn}\n${envelope(3, event('after', '2026-11-27T10:01:00+05:30'))}\n`,
    );
    const roster = join(data, 'roster.csv');
    writeFileSync(roster, ROSTER);
    const result = await runCli(['--data', data, 'ingest', 'roster', roster]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/1 segment loaded, 1 repaired in \d+\.\ds/);
    expect(await queryFile(paths.raw, 'select event_id from raw_inbox_events order by event_id')).toEqual([{ event_id: 'after' }, { event_id: 'before' }]);
    expect(await queryFile(paths.raw, 'select reason, source_line from raw_quarantine')).toEqual([
      { reason: 'landing line is not valid JSON (a torn or partial write)', source_line: 2 },
    ]);
    expect(await queryFile(paths.raw, 'select agent_id from raw_roster')).toEqual([{ agent_id: 'a1' }]);
  });

  it('seals a segment left open by a process that died, cutting only its torn last line', async () => {
    const data = tempDir();
    const paths = dataPaths(data);
    // Whoever renews a lease is alive, whatever its pid; a token without a fresh lease is not.
    const dead = 'deadbeef0001';
    const live = 'a11ve0000001';
    mkdirSync(paths.leases, { recursive: true });
    writeFileSync(join(paths.leases, live), '');
    mkdirSync(join(paths.landing, 'inbox'), { recursive: true });
    writeFileSync(
      join(paths.landing, 'inbox', `20261127T060000000Z-${dead}-1.ndjson.part`),
      `${envelope(1, event('e1', '2026-11-27T10:00:00+05:30'))}\n${envelope(2, event('e2', '2026-11-27T10:01:00+05:30'))}\n{"seq":3,"landed_at":"2026-11-2`,
    );
    writeFileSync(join(paths.landing, 'inbox', `20261127T060000000Z-${live}-2.ndjson.part`), `${envelope(1, event('open', '2026-11-27T10:02:00+05:30'))}\n`);
    const roster = join(data, 'roster.csv');
    writeFileSync(roster, ROSTER);
    expect((await runCli(['--data', data, 'ingest', 'roster', roster])).code).toBe(0);
    expect(await queryFile(paths.raw, 'select event_id from raw_inbox_events order by event_id')).toEqual([{ event_id: 'e1' }, { event_id: 'e2' }]);
    expect(readdirSync(join(paths.landing, 'inbox')).sort()).toEqual(
      [`20261127T060000000Z-${dead}-1.ndjson`, `20261127T060000000Z-${live}-2.ndjson.part`].sort(),
    );
  });
});
