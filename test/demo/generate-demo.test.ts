import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contractFor } from '../../ingest/contracts/contract-for.ts';
import { generateDemo, type GenerateSummary } from '../../ingest/demo/generate-demo.ts';
import { readSource, sourceFormat } from '../../ingest/read-source.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const END = new Date('2026-11-27T12:00:00+05:30');
const OPTIONS = { months: 1, inquiriesPerMonth: 300, seed: 11, end: END };
const KIND_OF = { whatsapp: 'whatsapp', outbound: 'outbound', inbox: 'inbox', roster: 'roster', crmContacts: 'crm-contacts', crmDeals: 'crm-deals' } as const;

function digest(summary: GenerateSummary): Record<string, string> {
  return Object.fromEntries(
    Object.entries(summary.files).map(([kind, file]) => [kind, createHash('sha256').update(readFileSync(file)).digest('hex')]),
  );
}

async function records(file: string, kind: string): Promise<unknown[]> {
  const contract = contractFor(kind);
  const values: unknown[] = [];
  for await (const batch of readSource(file, sourceFormat(file), contract.requiredColumns)) {
    for (const record of batch) {
      const verdict = contract.check(record.value, sourceFormat(file) === 'csv');
      if (!verdict.ok) throw new Error(`${file}:${record.line}: ${verdict.reason}`);
      values.push(verdict.record);
    }
  }
  return values;
}

describe('the demo generator', () => {
  let summary: GenerateSummary;
  const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

  beforeAll(async () => {
    summary = await generateDemo({ ...OPTIONS, outDir: tempDir() });
  });

  it('writes the same bytes for the same seed and end, other bytes for another seed', async () => {
    const again = await generateDemo({ ...OPTIONS, outDir: tempDir() });
    expect(digest(again)).toEqual(digest(summary));
    const other = await generateDemo({ ...OPTIONS, seed: 12, outDir: tempDir() });
    expect(digest(other).whatsapp).not.toBe(digest(summary).whatsapp);
  });

  it('writes every input kind, every record within its contract', async () => {
    for (const [key, kind] of Object.entries(KIND_OF)) {
      const file = summary.files[key as keyof typeof KIND_OF];
      expect((await records(file, kind)).length, kind).toBeGreaterThan(key === 'roster' ? 5 : 20);
    }
  });

  it('writes nothing after the demo\'s "now"', () => {
    const end = END.getTime() / 1000;
    const timestamps = lines(summary.files.whatsapp).flatMap((line) => [...line.matchAll(/"timestamp":"(\d+)"/g)].map((match) => Number(match[1])));
    expect(Math.max(...timestamps)).toBeLessThanOrEqual(end);
    const sentAt = lines(summary.files.outbound).map((line) => Date.parse(JSON.parse(line).sent_at));
    expect(Math.max(...sentAt)).toBeLessThanOrEqual(END.getTime());
  });

  it('speaks English, Hindi and Hinglish, in many message types, with statuses and retries', () => {
    const bodies = lines(summary.files.whatsapp);
    const text = bodies.join('\n');
    expect(text).toMatch(/[\u0900-\u097F]/);
    expect(text).toMatch(/kitni|kahan|chahiye|karna/);
    expect(text).toMatch(/"body":"(What|When|Where|Is|Hi|Hello)/);
    for (const type of ['text', 'image', 'interactive', 'button', 'reaction', 'audio']) expect(text).toContain(`"type":"${type}"`);
    for (const status of ['sent', 'delivered', 'read', 'failed']) expect(text).toContain(`"status":"${status}"`);
    expect(text).toContain('"referral":{');
    expect(new Set(bodies).size).toBeLessThan(bodies.length);
  });

  it('attributes what the business sent to agents, automations and campaigns', () => {
    const kinds = new Set(lines(summary.files.outbound).map((line) => JSON.parse(line).author_kind));
    expect([...kinds].sort()).toEqual(['agent', 'automation', 'campaign']);
  });

  it('records deals in rupees between ₹20,000 and ₹10 lakh', async () => {
    const deals = (await records(summary.files.crmDeals, 'crm-deals')) as Array<{ amount_inr: number }>;
    const amounts = deals.map((deal) => deal.amount_inr);
    expect(Math.min(...amounts)).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...amounts)).toBeLessThanOrEqual(10_00_000);
  });

  it('records assignments, handoffs, escalations, dispositions and reopens', () => {
    const types = new Set(lines(summary.files.inbox).map((line) => JSON.parse(line).type));
    for (const type of ['assigned', 'unassigned', 'handoff_note', 'handoff_ack', 'escalated', 'disposition', 'closed', 'reopened']) {
      expect(types, type).toContain(type);
    }
  });

  it('acknowledges a handoff only after a note was written for it', () => {
    const events = lines(summary.files.inbox).map((line) => JSON.parse(line) as { type: string; wa_id: string; at: string; agent_id?: string; to_agent_id?: string });
    const notes = events.filter((event) => event.type === 'handoff_note');
    for (const ack of events.filter((event) => event.type === 'handoff_ack')) {
      const note = notes.find((candidate) => candidate.wa_id === ack.wa_id && candidate.to_agent_id === ack.agent_id && Date.parse(candidate.at) <= Date.parse(ack.at));
      expect(note, `ack of ${ack.wa_id} at ${ack.at}`).toBeDefined();
    }
  });

  it('writes a team of six with roles, supervisors and emails', async () => {
    const roster = (await records(summary.files.roster, 'roster')) as Array<{ role: string; supervisor_id: string | null; email: string | null }>;
    expect(roster.map((agent) => agent.role).sort()).toEqual(['owner', 'sales', 'sales', 'senior', 'support', 'support']);
    expect(roster.filter((agent) => agent.supervisor_id === null).map((agent) => agent.role)).toEqual(['owner']);
    expect(roster.every((agent) => agent.email?.endsWith('@vidyacoaching.in'))).toBe(true);
  });
});
