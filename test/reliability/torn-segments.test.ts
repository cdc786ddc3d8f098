import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { loadPendingSegments } from '../../ingest/load-raw.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { budget, recordFigures, repetitions, SEED, seededRandom, type FaultFigures } from './chaos.ts';
import { inboundBody } from './webhook-burst.ts';

const LINES = 40;
const REASON = 'landing line is not valid JSON (a torn or partial write)';

/** A landing segment as the webhook receiver writes it: one envelope per line, the body verbatim. */
function segmentText(run: string): { text: string; lineEnds: number[]; ids: string[] } {
  const lines = Array.from({ length: LINES }, (_, n) => {
    const { body } = inboundBody(run, n);
    const sha256 = createHash('sha256').update(body).digest('hex');
    return { sha256, line: `{"seq":${n + 1},"landed_at":"2026-11-27T06:00:00.000Z","source":"webhook","source_line":null,"record_sha256":"${sha256}","record":${body}}\n` };
  });
  let end = 0;
  return {
    text: lines.map(({ line }) => line).join(''),
    lineEnds: lines.map(({ line }) => (end += Buffer.byteLength(line))),
    ids: lines.map(({ sha256 }) => sha256),
  };
}

/**
 * A crash (or a disk that lost the tail of a file) cuts a segment at any byte. Two ways it shows
 * up: the open `.part` of a process that died (its unfinished last line was never acknowledged),
 * and a sealed segment whose last line is torn. Either way every whole line loads, once, and a torn
 * sealed line is quarantined with its reason instead of vanishing.
 */
describe('a landing segment torn at a random byte', () => {
  const previousTtl = process.env.REPLYWATCH_LEASE_TTL_MS;
  beforeAll(() => {
    process.env.REPLYWATCH_LEASE_TTL_MS = '1000';
  });
  afterAll(() => {
    if (previousTtl === undefined) delete process.env.REPLYWATCH_LEASE_TTL_MS;
    else process.env.REPLYWATCH_LEASE_TTL_MS = previousTtl;
  });

  it('loads every whole line exactly once; a torn sealed line is quarantined with its reason, a dead writer’s unacknowledged one cut', async () => {
    const rounds = repetitions(8, 400);
    const time = budget(240);
    const random = seededRandom(SEED);
    const figures: FaultFigures = {
      fault: 'a torn last line in a landing segment',
      load: `segments of ${LINES} webhooks cut at a random byte, as a dead writer's open .part and as a sealed segment`,
      repetitions: 0, faultsInjected: 0, recordsChecked: 0, lost: 0, doubled: 0, notes: [], seed: SEED, seconds: 0,
    };
    let quarantinedTorn = 0;
    let passed = false;
    try {
      for (let round = 0; round < rounds && time.left(); round += 1) {
        const paths = dataPaths(tempDir('replywatch-torn-'));
        const folder = join(paths.landing, 'whatsapp');
        mkdirSync(folder, { recursive: true });
        const open = segmentText(`OPEN${round}`);
        const sealed = segmentText(`SEALED${round}`);
        const cutOpen = Math.floor(random.between(1, open.text.length));
        const cutSealed = Math.floor(random.between(1, sealed.text.length));
        // A writer whose lease is gone (no lease file): its open segment is sealed by the next load.
        writeFileSync(join(folder, `20261127T060000000Z-deadbeef${String(round % 10000).padStart(4, '0')}-1.ndjson.part`), open.text.slice(0, cutOpen));
        writeFileSync(join(folder, '20261127T060000001Z-0123456789ab-2.ndjson'), sealed.text.slice(0, cutSealed));
        figures.faultsInjected += 2;

        await loadPendingSegments(paths, { quiet: true });
        // A dead writer's segment keeps what ends in a newline; a sealed one every line whose JSON is
        // whole, even when only its newline was cut off.
        const upTo = (segment: typeof open, cut: number, slack: number) => segment.ids.filter((_, n) => segment.lineEnds[n]! - slack <= cut);
        const expected = new Set([...upTo(open, cutOpen, 0), ...upTo(sealed, cutSealed, 1)]);
        const rows = await queryFile(paths.raw, 'select webhook_id from raw_whatsapp_webhooks');
        const landed = rows.map((row) => String(row.webhook_id));
        const lost = [...expected].filter((id) => !landed.includes(id));
        const doubled = landed.length - new Set(landed).size;
        const extra = landed.filter((id) => !expected.has(id));
        figures.recordsChecked += expected.size;
        figures.lost += lost.length;
        figures.doubled += doubled;
        figures.repetitions += 1;
        expect({ lost, doubled, extra }, `seed ${SEED}, round ${round}, cuts ${cutOpen}/${cutSealed}`).toEqual({ lost: [], doubled: 0, extra: [] });

        // The sealed segment's torn last line is kept, with its reason; the dead writer's is cut.
        const tornSealed = !sealed.lineEnds.some((end) => end === cutSealed || end - 1 === cutSealed);
        const quarantine = await queryFile(paths.raw, 'select reason, source_line from raw_quarantine');
        const sealedLines = sealed.lineEnds.filter((end) => end - 1 <= cutSealed).length;
        expect(quarantine).toEqual(tornSealed ? [{ reason: REASON, source_line: sealedLines + 1 }] : []);
        if (tornSealed) quarantinedTorn += 1;
        expect(readdirSync(folder).filter((name) => name.endsWith('.part'))).toEqual([]);
      }
      figures.notes.push(
        `${quarantinedTorn} torn sealed lines quarantined with "${REASON}"; every dead writer's unfinished line cut (never acknowledged)`,
      );
      passed = true;
    } finally {
      figures.seconds = time.seconds();
      recordFigures('torn-segment', figures, passed);
    }
  });

  it('says so when it quarantines a torn line: `ingest` exits 2 with a line pointing at raw_quarantine', async () => {
    const paths: DataPaths = dataPaths(tempDir('replywatch-torn-'));
    const folder = join(paths.landing, 'whatsapp');
    mkdirSync(folder, { recursive: true });
    const sealed = segmentText('SAYS');
    writeFileSync(join(folder, '20261127T060000001Z-0123456789ab-2.ndjson'), sealed.text.slice(0, sealed.lineEnds[9]! + 20));
    const roster = join(paths.root, 'roster.csv');
    writeFileSync(roster, 'agent_id,name,role,team,supervisor_id,capacity,active\na1,Asha,sales,sales,,30,true\n');
    const result = await runCli(['--data', paths.root, 'ingest', 'roster', roster]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('replywatch: 1 record(s) quarantined; the good ones loaded (see raw_quarantine)');
    expect(await queryFile(paths.raw, 'select count(*) as n from raw_whatsapp_webhooks')).toEqual([{ n: 10 }]);
    expect(await queryFile(paths.raw, 'select reason, source_line from raw_quarantine')).toEqual([{ reason: REASON, source_line: 11 }]);
  });
});
