import { DAY_MS } from './business-calendar.ts';
import { agentById } from './coaching-institute.ts';
import { HOUR, MINUTE, SECOND, receive, send, type Conversation } from './conversation.ts';
import { formatInr, line } from './phrasebook.ts';
import { AFTER_HOURS_BOOST, chooseReplacement, MEDIAN_MINUTES, replyDelay, TARGET_MINUTES } from './team-behaviour.ts';

/** Returns when a person first answered, or null when nobody ever did. */
export function firstResponse(conversation: Conversation): number | null {
  const { world, contact, kind, openedAt } = conversation;
  const { random, calendar } = world;
  const supervisor = agentById.get('a_priya')!;
  let assignee = conversation.handler;
  const assigned = random.chance(0.85);
  const median = MEDIAN_MINUTES[kind];
  let delay = replyDelay(world, assignee, openedAt, median, assigned ? 1 : 2.5, AFTER_HOURS_BOOST[kind]);
  const routedAt = calendar.isOpen(openedAt)
    ? openedAt + random.logNormal(3 * MINUTE, 0.8)
    : calendar.nextOpening(openedAt) + random.logNormal(12 * MINUTE, 0.8);
  // Whoever answers from the phone at night has picked the chat up first.
  let assignedAt = delay === null ? routedAt : Math.min(routedAt, openedAt + Math.max(30 * SECOND, delay - random.int(1, 5) * MINUTE));
  const target = TARGET_MINUTES[kind] * MINUTE;

  nudgeWhileWaiting(conversation, delay);

  // A supervisor who notices the owner has not answered in time hands the inquiry to someone else.
  const reassignAt = openedAt + target * 1.2 + random.logNormal(15 * MINUTE, 0.7);
  const reassigns = assigned && (delay === null || delay > target * 1.5) && random.chance(0.5) && (delay === null || reassignAt < openedAt + delay);
  if (reassigns) assignedAt = Math.max(openedAt + 30 * SECOND, Math.min(assignedAt, reassignAt - 2 * MINUTE));
  if (assigned) {
    world.event('assigned', assignedAt, contact, { agent_id: assignee.agent_id, by: random.chance(0.6) ? supervisor.agent_id : 'automation' });
  }
  if (reassigns) {
    const replacement = chooseReplacement(world, kind, assignee);
    world.event('unassigned', reassignAt, contact, { agent_id: assignee.agent_id });
    world.event('assigned', reassignAt + MINUTE, contact, { agent_id: replacement.agent_id, by: supervisor.agent_id });
    const wroteNote = random.chance(assignee.notes);
    const noteAt = reassignAt + 2 * MINUTE;
    if (wroteNote) {
      world.event('handoff_note', noteAt, contact, {
        from_agent_id: assignee.agent_id,
        to_agent_id: replacement.agent_id,
        note: line(random, 'handoff_note', 'en', { product: contact.product.names.en, price: formatInr(contact.product.priceInr) }),
      });
    }
    const replacementDelay = replyDelay(world, replacement, reassignAt, median / 2, 0.5, AFTER_HOURS_BOOST[kind]);
    // Most new owners acknowledge the note, usually before writing to the customer; some never do.
    if (wroteNote && replacementDelay !== null && random.chance(0.7)) {
      world.event('handoff_ack', noteAt + random.logNormal(6 * MINUTE, 0.8), contact, { agent_id: replacement.agent_id });
    }
    assignee = replacement;
    delay = replacementDelay === null ? null : reassignAt - openedAt + replacementDelay;
  }
  conversation.handler = assignee;
  if (delay === null) return null;
  const at = openedAt + delay;
  const name = contact.name.split(' ')[0] ?? '';
  const values = { name, product: contact.product.names[contact.language], price: formatInr(contact.product.priceInr), agent: assignee.name.split(' ')[0]! };
  send(conversation, at, assignee, line(random, 'agent_reply', contact.language, values));
  return at;
}

function nudgeWhileWaiting(conversation: Conversation, delay: number | null): void {
  const { world, contact, openedAt } = conversation;
  const { random } = world;
  const waited = delay ?? 3 * DAY_MS;
  if (waited > 45 * MINUTE && random.chance(0.45)) {
    receive(conversation, openedAt + random.int(20, Math.min(40, Math.floor(waited / MINUTE) - 5)) * MINUTE, line(random, 'nudge', contact.language));
  }
  if (waited > 6 * HOUR && random.chance(0.35)) {
    const kind = random.chance(0.3) ? 'complaint' : 'nudge';
    receive(conversation, openedAt + random.int(5 * 60, Math.min(20 * 60, Math.floor(waited / MINUTE) - 5)) * MINUTE, line(random, kind, contact.language));
  }
}

