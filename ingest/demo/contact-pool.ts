import { PRODUCTS } from './coaching-institute.ts';
import type { DemoContact } from './conversation.ts';
import { profileName, type Language } from './phrasebook.ts';
import type { Random } from './random.ts';
import type { InquiryKind } from './team-behaviour.ts';

/** Contacts kept so they can come back; past this many a random one is replaced (bounded memory). */
const POOL_LIMIT = 50_000;
const PHONE_FORMATS = [
  (n: string) => `+91 ${n.slice(0, 5)} ${n.slice(5)}`,
  (n: string) => `0${n}`,
  (n: string) => n,
  (n: string) => `+91${n}`,
  (n: string) => `91-${n.slice(0, 5)}-${n.slice(5)}`,
];

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
export function chooseContact(random: Random, pool: DemoContact[], at: number): { contact: DemoContact; kind: InquiryKind } {
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


