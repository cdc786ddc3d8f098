import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { startProgress } from '../../lib/progress.ts';
import { CrmContactRecord } from '../contracts/crm-contacts.ts';
import { CrmDealRecord } from '../contracts/crm-deals.ts';
import { RosterRecord } from '../contracts/roster.ts';
import { DAY_MS, istMidnight, loadBusinessCalendar } from './business-calendar.ts';
import { CAMPAIGN_TEMPLATES, PRODUCTS, TEAM } from './coaching-institute.ts';
import { createDemoWorld, csvRow, type DemoLines, type DemoWorld } from './demo-world.ts';
import { profileName, type Language } from './phrasebook.ts';
import { createRandom, type Random } from './random.ts';
import { simulateInquiry, type DemoContact } from './simulate-inquiry.ts';
import type { InquiryKind } from './team-behaviour.ts';

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
const POOL_LIMIT = 50_000;
const PHONE_FORMATS = [
  (n: string) => `+91 ${n.slice(0, 5)} ${n.slice(5)}`,
  (n: string) => `0${n}`,
  (n: string) => n,
  (n: string) => `+91${n}`,
  (n: string) => `91-${n.slice(0, 5)}-${n.slice(5)}`,
];

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

function newContact(random: Random, availableFrom: number): DemoContact {
  const number = `${random.pick(['6', '7', '8', '9'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
  const language = random.weighted<Language>([['en', 0.45], ['hinglish', 0.35], ['hi', 0.2]]);
  const product = random.weighted(PRODUCTS.map((item) => [item, item.id === 'school_partnership' ? 0.01 : 1] as const));
  return {
    waId: `91${number}`,
    name: profileName(random, language),
    language,
    product,
    crmPhone: random.pick(PHONE_FORMATS)(number),
    busyUntil: availableFrom,
    availableFrom,
  };
}

/**
 * A returning contact from the pool when one is free to come back; a past contact acknowledging
 * our last message ("ok", 👍) after their inquiry ended; else somebody new.
 */
function chooseContact(random: Random, pool: DemoContact[], at: number): { contact: DemoContact; kind: InquiryKind } {
  const roll = random.next();
  if (roll < 0.22 && pool.length) {
    const wanted = roll < 0.16 ? 'returning' : 'acknowledgement';
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const candidate = pool[random.int(0, pool.length - 1)]!;
      if (wanted === 'returning' && candidate.previousHandler && candidate.availableFrom <= at) return { contact: candidate, kind: wanted };
      if (wanted === 'acknowledgement' && candidate.lastBusinessMessage && candidate.busyUntil <= at) return { contact: candidate, kind: wanted };
    }
  }
  const contact = newContact(random, at);
  if (pool.length < POOL_LIMIT) pool.push(contact);
  else pool[random.int(0, POOL_LIMIT - 1)] = contact;
  const kind = random.weighted<InquiryKind>([['fresh_high_intent', 0.4], ['information', 0.56], ['acknowledgement', 0.04]]);
  return { contact, kind };
}

/** A broadcast template to known contacts; some reply, which opens a passive-engagement inquiry. */
async function runCampaign(world: DemoWorld, pool: DemoContact[], day: number, perMonth: number, drain: () => Promise<void>): Promise<void> {
  const { random } = world;
  const sentAt = day + (random.chance(0.5) ? 11 : 18) * 3_600_000 + random.int(0, 600) * 1000;
  const template = random.pick(CAMPAIGN_TEMPLATES);
  const audience = Math.min(pool.length, Math.round(perMonth * 0.6));
  for (let i = 0; i < audience; i += 1) {
    const contact = pool[random.int(0, pool.length - 1)]!;
    const at = sentAt + i * 200;
    const message = world.send(contact, at, { authorKind: 'campaign', text: `Template ${template}`, templateName: template }, {
      failWith: random.chance(0.02) ? { code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.', details: 'Per-user marketing limit reached.' } : undefined,
    });
    if (random.chance(0.08) && contact.busyUntil <= at) {
      simulateInquiry(world, contact, at + random.logNormal(90 * 60_000, 1), 'broadcast_reply', message);
    }
    if (i % 1000 === 999) await drain();
  }
}
