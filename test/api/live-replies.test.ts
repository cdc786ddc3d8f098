import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLiveReplies } from '../../api/alerts/live-replies.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { echoWebhook, outboundRecord, PHONE_NUMBER_ID } from './scenario/alert-scenario.ts';

const BUILT = Date.parse('2026-11-27T05:32:00Z');
const landed = (record: string, at = '2026-11-27T06:00:00.000Z') => `{"seq":1,"landed_at":"${at}","source":"test","record":${record}}\n`;

describe('replies read from the landing log between builds', () => {
  it('follows an open segment across its sealing, reads only whole lines, and only people', () => {
    const landing = tempDir();
    mkdirSync(join(landing, 'outbound'), { recursive: true });
    mkdirSync(join(landing, 'whatsapp'), { recursive: true });
    const open = join(landing, 'outbound', '20261127T060000000Z-abc-1.ndjson.part');
    const replies = createLiveReplies(landing);

    const person = landed(outboundRecord('919800000001', 'a_sales', Date.parse('2026-11-27T05:50:00Z')));
    writeFileSync(open, person + person.slice(0, 40));
    replies.refresh(BUILT);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000001', BUILT).map((reply) => reply.agentId)).toEqual(['a_sales']);

    // The torn line is finished, an automated message follows, and the segment is sealed.
    const automated = JSON.parse(outboundRecord('919800000002', 'a_sales', Date.parse('2026-11-27T05:51:00Z')));
    appendFileSync(open, person.slice(40) + landed(JSON.stringify({ ...automated, author_kind: 'automation', agent_id: null })));
    renameSync(open, open.replace(/\.part$/, ''));
    writeFileSync(join(landing, 'whatsapp', 'seg.ndjson'), landed(echoWebhook('919800000003', 'hello', Date.parse('2026-11-27T05:52:00Z'))));
    replies.refresh(BUILT);

    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000001', BUILT)).toHaveLength(2);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000002', BUILT)).toEqual([]);
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000003', BUILT)).toMatchObject([{ agentId: 'business_app', sentAt: Date.parse('2026-11-27T05:52:00Z') }]);
    // What landed before the build is the build's business, not the tailer's.
    expect(replies.repliesTo(PHONE_NUMBER_ID, '919800000003', Date.parse('2026-11-27T06:00:01Z'))).toEqual([]);
  });
});
