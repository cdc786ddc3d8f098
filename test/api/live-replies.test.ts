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
  it('are left to the build: a segment from before it is passed over, in chunks, line by line', async () => {
    const landing = tempDir();
    mkdirSync(join(landing, 'outbound'), { recursive: true });
    const reply = (waId: string) => outboundRecord(waId, 'a_sales', Date.parse('2026-11-27T05:20:00Z'));
    // Lines of 1.5 kB, so the segment spans several read chunks and lines straddle them.
    const padded = (line: string) => line.replace('"to":', `"note":"${'x'.repeat(1500)}","to":`);
    const before = Array.from({ length: 2000 }, () => landed(padded(reply('919800000001')), '2026-11-27T05:31:59.999Z')).join('');
    writeFileSync(join(landing, 'outbound', 'seg.ndjson'), before + landed(padded(reply('919800000002'))));
    const replies = createLiveReplies(landing);
    await replies.refresh(BUILT);
    expect(replies.seen).toBe(1);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000001', 0)).toEqual([]);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000002', BUILT)).toMatchObject([{ agentId: 'a_sales' }]);
  });
});
