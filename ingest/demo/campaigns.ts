import type { DemoContact } from './conversation.ts';
import { CAMPAIGN_TEMPLATES } from './coaching-institute.ts';
import type { DemoWorld } from './demo-world.ts';
import { simulateInquiry } from './simulate-inquiry.ts';

/** A broadcast template to known contacts; some reply, which opens a passive-engagement inquiry. */
export async function runCampaign(world: DemoWorld, pool: DemoContact[], day: number, perMonth: number, drain: () => Promise<void>): Promise<void> {
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
