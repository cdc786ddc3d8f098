import { agentById, SALES, SENIORS, SUPPORT, type DemoAgent } from './coaching-institute.ts';
import type { DemoWorld } from './demo-world.ts';

const MINUTE = 60_000;

/** What a contact's inquiry is about, as the generator decides it before the contact writes. */
export type InquiryKind = 'fresh_high_intent' | 'information' | 'returning' | 'broadcast_reply' | 'acknowledgement';

/** Hot leads get picked up from the phone after hours more often than general questions. */
export const AFTER_HOURS_BOOST: Record<InquiryKind, number> = {
  returning: 2,
  fresh_high_intent: 1.4,
  information: 1,
  broadcast_reply: 0.6,
  acknowledgement: 0.5,
};

/** Median minutes to a first human reply during business hours, per kind. */
export const MEDIAN_MINUTES: Record<InquiryKind, number> = {
  returning: 7,
  fresh_high_intent: 14,
  information: 35,
  broadcast_reply: 110,
  acknowledgement: 150,
};

/** The first-response target the team is held to (the sla_targets seed), for reassignment decisions. */
export const TARGET_MINUTES: Record<InquiryKind, number> = {
  returning: 15,
  fresh_high_intent: 30,
  information: 120,
  broadcast_reply: 360,
  acknowledgement: 360,
};

/**
 * How long a person takes to answer a message that arrived at `at`, or null when they never do.
 * In business hours: a log-normal around the median, scaled by the person's speed. Evenings,
 * Sundays and holidays: some answer from the phone, slower; the rest answer after the next
 * opening — the collapse the seed article describes.
 */
export function replyDelay(
  world: DemoWorld,
  agent: DemoAgent,
  at: number,
  medianMinutes: number,
  dropScale = 1,
  afterHoursBoost = 1,
): number | null {
  const { calendar, random } = world;
  const open = calendar.isOpen(at);
  if (random.chance(agent.dropRate * dropScale * (open ? 1 : 2))) return null;
  if (open) return random.logNormal(medianMinutes * MINUTE * agent.speed, 1.0);
  if (random.chance(Math.min(0.9, agent.afterHours * afterHoursBoost))) return random.logNormal(medianMinutes * 3 * MINUTE * agent.speed, 0.9);
  const opening = calendar.nextOpening(at);
  return opening - at + random.logNormal((medianMinutes + 25) * MINUTE * agent.speed, 0.9);
}

/** Who the inquiry is assigned to: the previous handler for a returning contact, else by kind. */
export function chooseAssignee(world: DemoWorld, kind: InquiryKind, previousHandler?: string): DemoAgent {
  const { random } = world;
  const previous = previousHandler ? agentById.get(previousHandler) : undefined;
  if (kind === 'returning' && previous && random.chance(0.7)) return previous;
  if (kind === 'returning') return random.chance(0.6) ? random.pick(SENIORS) : random.pick(SALES);
  if (kind === 'fresh_high_intent') return random.chance(0.9) ? random.pick(SALES) : SENIORS[1]!;
  if (kind === 'information') return random.chance(0.75) ? random.pick(SUPPORT) : random.pick(SALES);
  return random.pick(SUPPORT);
}

/** Someone else at the right level to take over a missed inquiry. */
export function chooseReplacement(world: DemoWorld, kind: InquiryKind, current: DemoAgent): DemoAgent {
  const pool = kind === 'returning' ? SENIORS : kind === 'fresh_high_intent' ? [...SALES, SENIORS[1]!] : [...SUPPORT, ...SALES];
  const others = pool.filter((agent) => agent.agent_id !== current.agent_id);
  return world.random.pick(others.length ? others : pool);
}

/** The senior person an escalation goes to: the owner for legal trouble, often for complaints. */
export function escalationTarget(world: DemoWorld, trigger: 'price_negotiation' | 'complaint' | 'legal'): DemoAgent {
  const owner = SENIORS.find((agent) => agent.role === 'owner')!;
  const senior = SENIORS.find((agent) => agent.role === 'senior')!;
  if (trigger === 'legal') return owner;
  if (trigger === 'complaint') return world.random.chance(0.5) ? owner : senior;
  return senior;
}
