import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { startProgress } from '../../lib/progress.ts';
import { CrmContactRecord } from '../contracts/crm-contacts.ts';
import { CrmDealRecord } from '../contracts/crm-deals.ts';
import { RosterRecord } from '../contracts/roster.ts';
import { DAY_MS, istMidnight, loadBusinessCalendar } from './business-calendar.ts';
import { runCampaign } from './campaigns.ts';
import { TEAM } from './coaching-institute.ts';
import { chooseContact } from './contact-pool.ts';
import type { DemoContact } from './conversation.ts';
import { createDemoWorld, csvRow, type DemoLines } from './demo-world.ts';
import { createRandom } from './random.ts';
import { simulateInquiry } from './simulate-inquiry.ts';

export interface GenerateOptions {
  outDir: string;
  months: number;
  inquiriesPerMonth: number;
  seed: number;
  /** The demo's "now": nothing after it is written. */
  end: Date;
}

export interface GenerateSummary {
  files: Record<keyof DemoLines | 'roster', string>;
  inquiries: number;
  lines: Record<keyof DemoLines, number>;
}

const FILES = {
  whatsapp: 'whatsapp.ndjson',
  outbound: 'outbound.ndjson',
  inbox: 'inbox.ndjson',
  crmContacts: 'crm-contacts.csv',
  crmDeals: 'crm-deals.csv',
  roster: 'roster.csv',
} as const;

/** Inquiries by hour of day in India: busy late mornings and, above all, evenings. */
const HOUR_WEIGHTS = [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 1.0, 1.4, 1.8, 2.0, 2.0, 1.8, 1.6, 1.6, 1.7, 1.9, 2.2, 2.5, 2.6, 2.2, 1.5, 0.7];
const HOURS = HOUR_WEIGHTS.map((weight, hour) => [hour, weight] as const);
/** Weekends and holidays bring more inquiries, not fewer. */
const WEEKDAY_FACTOR = [1, 0.95, 0.95, 1, 1, 1, 1.1, 1.3];
/**
 * Writes a realistic demo business's inputs (every kind of DESIGN.md, one file each) into
 * `outDir`, streaming inquiry by inquiry in bounded memory. Same options, same bytes.
 */
export async function generateDemo(options: GenerateOptions): Promise<GenerateSummary> {
  mkdirSync(options.outDir, { recursive: true });
  const random = createRandom(options.seed);
  const end = options.end.getTime();
  const world = createDemoWorld(random, loadBusinessCalendar(), end);
  const writers = openWriters(options.outDir);
  const counts: Record<keyof DemoLines, number> = { whatsapp: 0, outbound: 0, inbox: 0, crmContacts: 0, crmDeals: 0 };

  await write(writers.roster, [csvHeader(RosterRecord), ...TEAM.map((agent) => csvRow(Object.keys(RosterRecord.properties).map((key) => agent[key as keyof typeof agent])))]);
  await write(writers.crmContacts, [csvHeader(CrmContactRecord)]);
  await write(writers.crmDeals, [csvHeader(CrmDealRecord)]);

  const pool: DemoContact[] = [];
  const perDay = (options.inquiriesPerMonth * 12) / 365;
  const firstDay = istMidnight(end) - Math.round(options.months * 30.4) * DAY_MS;
  const progress = startProgress('generating demo data', { total: Math.round(options.inquiriesPerMonth * options.months), unit: 'inquiries' });
  let inquiries = 0;

  const drain = async (): Promise<void> => {
    for (const key of Object.keys(counts) as Array<keyof DemoLines>) {
      counts[key] += world.lines[key].length;
      await write(writers[key], world.lines[key]);
      world.lines[key] = [];
    }
  };

  for (let day = firstDay, index = 0; day <= end; day += DAY_MS, index += 1) {
    if (index % 10 === 3) await runCampaign(world, pool, day, options.inquiriesPerMonth, drain);
    const factor = world.calendar.isHoliday(day + 12 * 3_600_000) ? 1.15 : WEEKDAY_FACTOR[world.calendar.localWeekday(day + 3_600_000)]!;
    const count = Math.round(perDay * factor * (0.7 + random.next() * 0.6));
    for (let i = 0; i < count; i += 1) {
      const openedAt = day + random.weighted(HOURS) * 3_600_000 + random.int(0, 3599) * 1000;
      if (openedAt > end) continue;
      const { contact, kind } = chooseContact(random, pool, openedAt);
      simulateInquiry(world, contact, openedAt, kind);
      inquiries += 1;
      await drain();
    }
    progress.advance(count);
  }
  await drain();
  progress.finish(`${inquiries.toLocaleString('en-IN')} inquiries, ${counts.whatsapp.toLocaleString('en-IN')} webhook bodies`);
  await Promise.all(Object.values(writers).map(async (stream) => {
    stream.end();
    await once(stream, 'finish');
  }));
  const files = Object.fromEntries(Object.entries(FILES).map(([key, name]) => [key, join(options.outDir, name)])) as GenerateSummary['files'];
  return { files, inquiries, lines: counts };
}

function openWriters(outDir: string): Record<keyof typeof FILES, WriteStream> {
  return Object.fromEntries(
    Object.entries(FILES).map(([key, name]) => [key, createWriteStream(join(outDir, name), { highWaterMark: 1 << 20 })]),
  ) as Record<keyof typeof FILES, WriteStream>;
}

async function write(stream: WriteStream, lines: string[]): Promise<void> {
  if (!lines.length) return;
  if (!stream.write(`${lines.join('\n')}\n`)) await once(stream, 'drain');
}

function csvHeader(schema: { properties: object }): string {
  return Object.keys(schema.properties).join(',');
}
