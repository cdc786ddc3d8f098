import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dataPaths } from '../../lib/data-paths.ts';
import { queryFile } from '../helpers/read-db.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('`replywatch export crm`', () => {
  const data = inject('builtDataDir');
  const warehouse = dataPaths(data).warehouse;

  it('writes one record per closed inquiry, with the digest quoted from the conversation', async () => {
    const result = await runCli(['--data', data, 'export', 'crm', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const records = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const [closed] = await queryFile(warehouse, 'select count(*) as n from fct_inquiries where closed_at is not null');
    expect(records).toHaveLength(Number(closed!.n));
    expect(Object.keys(records[0]!)).toEqual(
      expect.arrayContaining(['inquiry_id', 'phone_e164', 'intent_category', 'outcome', 'next_action', 'next_action_at', 'owner_email', 'first_question', 'last_customer_message']),
    );
    expect(records.every((record) => record.closed_at !== null)).toBe(true);
    // Extractive: the first question is a message the contact actually wrote in that inquiry.
    const sample = records.find((record) => record.first_question)!;
    const [quoted] = await queryFile(
      warehouse,
      `select count(*) as n from int_messages_by_inquiry where inquiry_id = '${sample.inquiry_id}' and direction = 'inbound' and message_text = $$${sample.first_question}$$`,
    );
    expect(quoted!.n).toBe(1);
    expect(String(sample.phone_e164)).toMatch(/^\+\d{10,15}$/);
  });

  it('writes CSV to a file, only what closed since a time', async () => {
    const out = join(tempDir(), 'crm.csv');
    const since = '2026-11-20T00:00:00+05:30';
    const result = await runCli(['--data', data, 'export', 'crm', '--since', since, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^inquiry_id,crm_contact_id,contact_id,phone_e164,/);
    const [closedSince] = await queryFile(warehouse, `select count(*) as n from crm_inquiry_records where closed_at >= '${since}'::timestamptz`);
    expect(closedSince!.n).toBeGreaterThan(0);
    expect(lines.length - 1).toBe(closedSince!.n);
  });

  it('names what it cannot export', async () => {
    const result = await runCli(['--data', data, 'export', 'invoices']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('replywatch: unknown export "invoices"; expected one of: crm');
  });
});
