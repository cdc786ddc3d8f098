import { MINUTE, receive, send, type Conversation } from './conversation.ts';
import { line } from './phrasebook.ts';
import { escalationTarget, MEDIAN_MINUTES, replyDelay } from './team-behaviour.ts';

export type Trigger = 'price_negotiation' | 'complaint' | 'legal';

/** Back-and-forth after the first response, with an escalation when the contact brings one up. */
export function exchange(conversation: Conversation, trigger: Trigger | null): void {
  const { world, contact } = conversation;
  const { random } = world;
  const rounds = random.weighted([[0, 0.25], [1, 0.35], [2, 0.25], [3, 0.15]]);
  let pendingTrigger = trigger;
  for (let round = 0; round < rounds; round += 1) {
    if (!random.chance(0.8)) break;
    const at = conversation.lastActivityAt + random.logNormal(25 * MINUTE, 1.2);
    const kind = pendingTrigger ?? random.pick(['follow_up_question', 'follow_up_question', 'thinking', 'acknowledgement'] as const);
    const ourLast = contact.lastBusinessMessage;
    if (kind === 'acknowledgement' && ourLast && random.chance(0.3)) {
      world.receive(contact, at, { type: 'reaction', emoji: random.pick(['👍', '🙏']), messageId: ourLast.wamid });
      conversation.lastInboundAt = conversation.lastActivityAt = Math.max(conversation.lastActivityAt, at);
    } else receive(conversation, at, line(random, kind, contact.language));
    let responder = conversation.handler;
    if (pendingTrigger) {
      if (random.chance(0.75)) {
        const senior = escalationTarget(world, pendingTrigger);
        world.event('escalated', at + random.logNormal(8 * MINUTE, 0.8), contact, {
          agent_id: senior.agent_id,
          reason: pendingTrigger === 'legal' ? 'legal_regulatory' : pendingTrigger,
        });
        if (random.chance(0.8)) responder = senior;
      }
      pendingTrigger = null;
    }
    if (kind === 'acknowledgement' || kind === 'thinking') continue;
    const delay = replyDelay(world, responder, at, MEDIAN_MINUTES[conversation.kind] * 1.2, 1.5);
    if (delay === null) break;
    send(conversation, at + delay, responder, line(random, 'agent_next_reply', contact.language), undefined);
  }
}

