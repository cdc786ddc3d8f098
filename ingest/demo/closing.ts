import type { DISPOSITIONS, NEXT_ACTIONS } from '../contracts/inbox.ts';
import { DAY_MS, istIso, istMidnight } from './business-calendar.ts';
import { HOUR, MINUTE, receive, send, type Conversation } from './conversation.ts';
import { recordCrm } from './crm-activity.ts';
import { line } from './phrasebook.ts';
import type { InquiryKind } from './team-behaviour.ts';

type Disposition = (typeof DISPOSITIONS)[number];
type NextAction = (typeof NEXT_ACTIONS)[number];

const DISPOSITION_WEIGHTS: Record<InquiryKind, ReadonlyArray<readonly [Disposition, number]>> = {
  returning: [['won', 0.35], ['proposal_sent', 0.2], ['follow_up', 0.2], ['lost', 0.15], ['escalated_to_owner', 0.1]],
  fresh_high_intent: [['won', 0.2], ['proposal_sent', 0.25], ['follow_up', 0.3], ['lost', 0.1], ['not_interested', 0.15]],
  information: [['follow_up', 0.4], ['not_interested', 0.3], ['proposal_sent', 0.1], ['won', 0.08], ['lost', 0.12]],
  broadcast_reply: [['not_interested', 0.45], ['follow_up', 0.35], ['spam', 0.05], ['won', 0.05], ['lost', 0.1]],
  acknowledgement: [['not_interested', 0.6], ['follow_up', 0.3], ['spam', 0.1]],
};

const NEXT_ACTION: Record<Disposition, NextAction> = {
  won: 'none',
  lost: 'none',
  spam: 'none',
  not_interested: 'mark_not_interested',
  follow_up: 'follow_up',
  proposal_sent: 'follow_up',
  escalated_to_owner: 'escalate_to_owner',
};

/**
 * A disposition with a next action, a bare close, or nothing (the inquiry drifts to dormant).
 * Returns when it closed, or null when it was left to go dormant.
 */
export function close(conversation: Conversation): number | null {
  const { world, contact, kind, handler, answered } = conversation;
  const { random, calendar } = world;
  const roll = random.next();
  const after = conversation.lastActivityAt;
  const closeAt = calendar.isOpen(after) ? after + random.logNormal(40 * MINUTE, 1) : calendar.nextOpening(after) + random.logNormal(60 * MINUTE, 1);
  if (!answered) {
    if (roll >= 0.15) return null;
    world.event('closed', closeAt + DAY_MS, contact, { agent_id: handler.agent_id });
    return closeAt + DAY_MS;
  }
  if (roll < 0.66) {
    const disposition = random.weighted(DISPOSITION_WEIGHTS[kind]);
    const nextAction = NEXT_ACTION[disposition];
    const nextActionAt = nextAction === 'follow_up' || nextAction === 'send_proposal'
      ? istMidnight(closeAt) + random.int(1, 4) * DAY_MS + random.int(11 * 60, 17 * 60) * MINUTE
      : null;
    world.event('disposition', closeAt, contact, {
      agent_id: handler.agent_id,
      disposition,
      next_action: nextAction,
      next_action_at: nextActionAt === null ? null : istIso(nextActionAt),
      note: `${contact.product.names.en}: ${disposition.replaceAll('_', ' ')}`,
    });
    recordCrm(world, contact, kind, handler, closeAt, disposition);
    if (random.chance(0.05)) return reopen(conversation, closeAt);
    if (nextActionAt !== null) followUp(conversation, nextActionAt, random.weighted([[0, 0.6], [1, 0.25], [null, 0.15]]));
    return closeAt;
  }
  if (roll < 0.76) {
    world.event('closed', closeAt, contact, { agent_id: handler.agent_id });
    return closeAt;
  }
  // Left open: the contact went quiet after our reply. Sometimes we follow up within the day,
  // sometimes re-engage on day 4–7, sometimes never; then it goes dormant.
  if (random.chance(0.5)) followUp(conversation, after + random.logNormal(8 * HOUR, 0.6), 0);
  if (random.chance(0.35)) followUp(conversation, after + random.int(4, 7) * DAY_MS + random.int(0, 8) * HOUR, 0);
  else if (random.chance(0.15)) followUp(conversation, after + random.int(9, 13) * DAY_MS, 0);
  return null;
}

/**
 * The contact writes again soon after the disposition and the agent reopens the inquiry instead
 * of starting a new one; it closes again a day later. Returns the second close.
 */
function reopen(conversation: Conversation, closedAt: number): number {
  const { world, contact, handler } = conversation;
  const { random } = world;
  const at = closedAt + random.logNormal(3 * HOUR, 0.6);
  world.event('reopened', at - random.int(1, 5) * MINUTE, contact, { agent_id: handler.agent_id });
  receive(conversation, at, line(random, 'follow_up_question', contact.language));
  send(conversation, at + random.logNormal(20 * MINUTE, 0.8), handler, line(random, 'agent_next_reply', contact.language));
  const closedAgain = conversation.lastActivityAt + DAY_MS;
  world.event('closed', closedAgain, contact, { agent_id: handler.agent_id });
  return closedAgain;
}

/** A follow-up at `dueAt`, on time (lateDays 0), a few days late, or never (null). */
function followUp(conversation: Conversation, dueAt: number, lateDays: number | null): void {
  if (lateDays === null) return;
  const { world, contact, handler } = conversation;
  const { random } = world;
  const at = dueAt + (lateDays ? random.int(1, 3) * DAY_MS : random.int(-60, 120) * MINUTE);
  const values = { name: contact.name.split(' ')[0] ?? '', product: contact.product.names[contact.language] };
  const windowClosed = at - conversation.lastInboundAt > DAY_MS;
  // Outside WhatsApp's 24-hour window only a template goes through; now and then someone tries free text.
  if (windowClosed && random.chance(0.95)) {
    const message = world.send(contact, at, { authorKind: 'agent', agentId: handler.agent_id, text: line(random, 'agent_follow_up', contact.language, values), templateName: 'follow_up_reminder' });
    contact.lastBusinessMessage = message;
  } else {
    const failWith = windowClosed
      ? { code: 131047, title: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' }
      : undefined;
    world.send(contact, at, { authorKind: 'agent', agentId: handler.agent_id, text: line(random, 'agent_follow_up', contact.language, values) }, { failWith });
  }
  conversation.lastActivityAt = Math.max(conversation.lastActivityAt, at);
}
