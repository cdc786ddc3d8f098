import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLiveReplies } from '../../api/alerts/live-replies.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { echoWebhook, outboundRecord, PHONE_NUMBER_ID } from './scenario/alert-scenario.ts';

const BUILT = Date.parse('2026-11-27T05:32:00Z');
const landed = (record: string, at = '2026-11-27T06:00:00.000Z') => `{"seq":1,"landed_at":"${at}","source":"test","record":${record}}\n`;

describe('replies read from the landing log between builds', () => {
  it('follows an open segment across its sealing, reads only whole lines, and only people', async () => {
    const landing = tempDir();
    mkdirSync(join(landing, 'outbound'), { recursive: true });
    mkdirSync(join(landing, 'whatsapp'), { recursive: true });
    const open = join(landing, 'outbound', '20261127T060000000Z-abc-1.ndjson.part');
    const replies = createLiveReplies(landing);

    const person = landed(outboundRecord('919800000001', 'a_sales', Date.parse('2026-11-27T05:50:00Z')));
    writeFileSync(open, person + person.slice(0, 40));
    await replies.refresh(BUILT);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000001', BUILT).map((reply) => reply.agentId)).toEqual(['a_sales']);

    // The torn line is finished, an automated message follows, and the segment is sealed.
    const automated = JSON.parse(outboundRecord('919800000002', 'a_sales', Date.parse('2026-11-27T05:51:00Z')));
    appendFileSync(open, person.slice(40) + landed(JSON.stringify({ ...automated, author_kind: 'automation', agent_id: null })));
    renameSync(open, open.replace(/\.part$/, ''));
    writeFileSync(join(landing, 'whatsapp', 'seg.ndjson'), landed(echoWebhook('919800000003', 'hello', Date.parse('2026-11-27T05:52:00Z'))));
    await replies.refresh(BUILT);

    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000001', BUILT)).toHaveLength(2);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000002', BUILT)).toEqual([]);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000003', BUILT)).toMatchObject([{ agentId: 'business_app', sentAt: Date.parse('2026-11-27T05:52:00Z') }]);
    // What landed before the build is the build's business, not the tailer's.
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000003', Date.parse('2026-11-27T06:00:01Z'))).toEqual([]);
  });
});

describe('replies that landed before the build', () => {
  it('are left to the build: skipped unparsed, line by line, and read again if the clock goes back', async () => {
    const landing = tempDir();
    mkdirSync(join(landing, 'outbound'), { recursive: true });
    const file = join(landing, 'outbound', 'seg.ndjson.part');
    // Lines of ~1.5 kB with multi-byte text and CRLF ends, so lines straddle the 1 MB read chunks.
    const line = (waId: string, at: string) =>
      landed(outboundRecord(waId, 'a_sales', Date.parse('2026-11-27T05:20:00Z')).replace('"to":', `"note":"${'नमस्ते '.repeat(70)}","to":`), at).replace(/\n$/, '\r\n');
    const lines = (count: number, waId: (index: number) => string, at: string) => Array.from({ length: count }, (_, index) => line(waId(index), at)).join('');
    const before = '2026-11-27T05:31:59.999Z';
    const after = '2026-11-27T06:00:00.000Z';
    writeFileSync(file, lines(1000, () => '919800000001', before) + lines(1000, (index) => `9197${String(index).padStart(8, '0')}`, after) + line('919800000002', after).slice(0, 700));
    const replies = createLiveReplies(landing);
    await replies.refresh(BUILT);
    // Every line that landed after the build is read whole, across chunks; the torn last line waits.
    expect(replies.seen).toBe(1000);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000001', 0)).toEqual([]);
    for (const index of [0, 1, 499, 998, 999]) expect(replies.repliesTo(PHONE_NUMBER_ID, `9197${String(index).padStart(8, '0')}`, BUILT)).toHaveLength(1);

    // The torn line is finished and the segment grows: read from where the last refresh stopped.
    appendFileSync(file, line('919800000002', after).slice(700) + lines(500, () => '919800000003', after));
    await replies.refresh(BUILT);
    expect(replies.seen).toBe(1501);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000002', BUILT)).toHaveLength(1);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000003', BUILT)).toHaveLength(500);

    // A build with an earlier clock: what was passed over is read now.
    await replies.refresh(Date.parse('2026-11-27T05:00:00Z'));
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000001', 0)).toHaveLength(1000);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000003', 0)).toHaveLength(500);
  });
});
