import type { DISPOSITIONS, NEXT_ACTIONS } from '../contracts/inbox.ts';
import { DAY_MS, istIso, istMidnight } from './business-calendar.ts';
import { agentById, type DemoAgent, type DemoProduct } from './coaching-institute.ts';
import type { WebhookContact } from './cloud-api-payloads.ts';
import type { DemoWorld, SentMessage } from './demo-world.ts';
import { formatInr, line, type Language } from './phrasebook.ts';
import {
  AFTER_HOURS_BOOST,
  chooseAssignee,
  chooseReplacement,
  escalationTarget,
  MEDIAN_MINUTES,
  replyDelay,
  TARGET_MINUTES,
  type InquiryKind,
} from './team-behaviour.ts';
import { recordCrm } from './crm-activity.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DORMANT_AFTER = 14 * DAY_MS + HOUR;

/** A person who writes to the business; kept in a pool so they can come back. */
export interface DemoContact extends WebhookContact {
  language: Language;
  product: DemoProduct;
  /** The phone as this contact's CRM record writes it (formats vary in real exports). */
  crmPhone: string;
  crmContactId?: string;
  crmCreatedAt?: string;
  dealId?: string;
  dealCreatedAt?: string;
  dealAmountInr?: number;
  previousHandler?: string;
  lastBusinessMessage?: SentMessage;
  /** When the last inquiry closed or went dormant: a message before then continues it. */
  busyUntil: number;
  /** When this contact may come back with a new inquiry of their own. */
  availableFrom: number;
}

type Trigger = 'price_negotiation' | 'complaint' | 'legal';
type Disposition = (typeof DISPOSITIONS)[number];
type NextAction = (typeof NEXT_ACTIONS)[number];

interface Conversation {
  world: DemoWorld;
  contact: DemoContact;
  kind: InquiryKind;
  openedAt: number;
  lastInboundAt: number;
  lastActivityAt: number;
  handler: DemoAgent;
  answered: boolean;
}

/**
 * One inquiry from its first message to its close (or to "now" when still in flight): opening
 * messages, auto-acknowledgement, assignment, the first human reply (late after hours, sometimes
 * never), reassignment with or without a handoff note, further exchanges, escalation, a
 * disposition with a next action, and the follow-ups that do or do not happen.
 */
export function simulateInquiry(world: DemoWorld, contact: DemoContact, openedAt: number, kind: InquiryKind, campaign?: SentMessage): void {
  const { random } = world;
  const conversation: Conversation = {
    world,
    contact,
    kind,
    openedAt,
    lastInboundAt: openedAt,
    lastActivityAt: openedAt,
    handler: chooseAssignee(world, kind, contact.previousHandler),
    answered: false,
  };
  const trigger = random.weighted<Trigger | null>([[null, 0.88], ['price_negotiation', 0.07], ['complaint', 0.035], ['legal', 0.015]]);
  open(conversation, campaign);
  autoAcknowledge(conversation);
  const firstResponseAt = firstResponse(conversation);
  if (firstResponseAt !== null) {
    conversation.answered = true;
    recordCrm(world, contact, kind, conversation.handler, firstResponseAt);
    exchange(conversation, trigger);
  }
  const closedAt = close(conversation);
  contact.busyUntil = closedAt ?? conversation.lastActivityAt + DORMANT_AFTER;
  contact.availableFrom = contact.busyUntil + random.logNormal(10 * DAY_MS, 0.8);
  if (conversation.answered) contact.previousHandler = conversation.handler.agent_id;
}

function receive(conversation: Conversation, at: number, text: string, options: Parameters<DemoWorld['receive']>[3] = {}): SentMessage {
  const message = conversation.world.receive(conversation.contact, at, { type: 'text', text }, options);
  conversation.lastInboundAt = Math.max(conversation.lastInboundAt, at);
  conversation.lastActivityAt = Math.max(conversation.lastActivityAt, at);
  return message;
}

function send(conversation: Conversation, at: number, agent: DemoAgent, text: string, readBefore?: number): SentMessage {
  const message = conversation.world.send(conversation.contact, at, { authorKind: 'agent', agentId: agent.agent_id, text }, { readBefore });
  conversation.lastActivityAt = Math.max(conversation.lastActivityAt, at);
  conversation.contact.lastBusinessMessage = message;
  return message;
}

function open(conversation: Conversation, campaign?: SentMessage): void {
  const { world, contact, kind, openedAt } = conversation;
  const { random } = world;
  const language = contact.language;
  const product = contact.product.names[language];
  if (kind === 'broadcast_reply' && campaign) {
    const text = line(random, 'broadcast_reply', language);
    if (random.chance(0.7)) world.receive(contact, openedAt, { type: 'button', text, payload: text.toUpperCase() }, { contextWamid: campaign.wamid });
    else receive(conversation, openedAt, text, { contextWamid: campaign.wamid });
    return;
  }
  if (kind === 'acknowledgement') {
    const previous = contact.lastBusinessMessage;
    if (previous && openedAt - previous.at < 30 * DAY_MS && random.chance(0.4)) {
      world.receive(contact, openedAt, { type: 'reaction', emoji: random.pick(['👍', '🙏', '❤️']), messageId: previous.wamid });
    } else receive(conversation, openedAt, line(random, 'acknowledgement', language));
    return;
  }
  let at = openedAt;
  const fromAd = kind === 'fresh_high_intent' && random.chance(0.3);
  const referral = fromAd ? { adId: `1202${random.int(10000000, 99999999)}`, headline: 'Admissions open: JEE & NEET 2027', clickId: `ARA${random.hex(24)}` } : undefined;
  if (random.chance(0.35)) {
    receive(conversation, at, line(random, 'greeting', language), referral ? { referral } : {});
    at += random.int(8, 120) * SECOND;
  }
  const values = { product, agent: agentById.get(contact.previousHandler ?? '')?.name.split(' ')[0] ?? 'your team' };
  const kindLine = kind === 'returning' ? 'returning' : kind === 'fresh_high_intent' ? random.pick(['high_intent', 'product_question'] as const) : 'information';
  receive(conversation, at, line(random, kindLine, language, values), referral && at === openedAt ? { referral } : {});
  if (kind === 'information' && random.chance(0.08)) {
    at += random.int(10, 90) * SECOND;
    if (random.chance(0.5)) world.receive(contact, at, { type: 'image', caption: line(random, 'information', language), mediaId: world.mediaId() });
    else if (random.chance(0.5)) world.receive(contact, at, { type: 'audio', mediaId: world.mediaId() });
    else world.receive(contact, at, { type: 'document', caption: 'marksheet', filename: 'class10_marksheet.pdf', mediaId: world.mediaId() });
    conversation.lastInboundAt = conversation.lastActivityAt = at;
  }
}

function autoAcknowledge(conversation: Conversation): void {
  const { world, contact, kind, openedAt } = conversation;
  const { random } = world;
  if (!random.chance(kind === 'broadcast_reply' || kind === 'acknowledgement' ? 0.3 : 0.95)) return;
  // Usually seconds; now and then the automation platform lags past the 60-second target.
  const delay = random.chance(0.05) ? random.int(61, 600) * SECOND : random.logNormal(6 * SECOND, 0.6);
  const interactive = random.chance(0.3);
  const ack = world.send(
    contact,
    openedAt + delay,
    { authorKind: 'automation', text: line(random, 'auto_ack', contact.language), type: interactive ? 'interactive' : 'text' },
    {},
  );
  // The auto-acknowledgement offers buttons; some contacts tap one.
  if (interactive && random.chance(0.35)) {
    const tapAt = ack.at + random.int(5, 120) * SECOND;
    const [replyId, title] = random.pick([['fees', 'Fees'], ['timings', 'Batch timings'], ['counsellor', 'Talk to counsellor']] as const);
    world.receive(contact, tapAt, { type: 'interactive', title, replyId }, { contextWamid: ack.wamid });
    conversation.lastInboundAt = conversation.lastActivityAt = Math.max(conversation.lastActivityAt, tapAt);
  }
}

/** Returns when a person first answered, or null when nobody ever did. */
function firstResponse(conversation: Conversation): number | null {
  const { world, contact, kind, openedAt } = conversation;
  const { random, calendar } = world;
  const supervisor = agentById.get('a_priya')!;
  let assignee = conversation.handler;
  const assigned = random.chance(0.85);
  const median = MEDIAN_MINUTES[kind];
  let delay = replyDelay(world, assignee, openedAt, median, assigned ? 1 : 2.5, AFTER_HOURS_BOOST[kind]);
  if (assigned) {
    const routedAt = calendar.isOpen(openedAt)
      ? openedAt + random.logNormal(3 * MINUTE, 0.8)
      : calendar.nextOpening(openedAt) + random.logNormal(12 * MINUTE, 0.8);
    // Whoever answers from the phone at night has picked the chat up first.
    const assignedAt = delay === null ? routedAt : Math.min(routedAt, openedAt + Math.max(30 * SECOND, delay - random.int(1, 5) * MINUTE));
    world.event('assigned', assignedAt, contact, {
      agent_id: assignee.agent_id,
      by: random.chance(0.6) ? supervisor.agent_id : 'automation',
    });
  }
  const target = TARGET_MINUTES[kind] * MINUTE;

  nudgeWhileWaiting(conversation, delay);

  if ((delay === null || delay > target * 1.5) && random.chance(0.5)) {
    const reassignAt = openedAt + target * 1.2 + random.logNormal(15 * MINUTE, 0.7);
    if (delay === null || reassignAt < openedAt + delay) {
      const replacement = chooseReplacement(world, kind, assignee);
      if (assigned) world.event('unassigned', reassignAt, contact, { agent_id: assignee.agent_id });
      world.event('assigned', reassignAt + MINUTE, contact, { agent_id: replacement.agent_id, by: supervisor.agent_id });
      if (random.chance(assignee.notes)) {
        world.event('handoff_note', reassignAt + 2 * MINUTE, contact, {
          from_agent_id: assignee.agent_id,
          to_agent_id: replacement.agent_id,
          note: line(random, 'handoff_note', 'en', { product: contact.product.names.en, price: formatInr(contact.product.priceInr) }),
        });
      }
      const replacementDelay = replyDelay(world, replacement, reassignAt, median / 2, 0.5, AFTER_HOURS_BOOST[kind]);
      if (replacementDelay !== null && random.chance(0.7)) {
        const ackAt = reassignAt + Math.min(replacementDelay * 0.8, random.logNormal(8 * MINUTE, 0.8));
        world.event('handoff_ack', ackAt, contact, { agent_id: replacement.agent_id });
      }
      assignee = replacement;
      delay = replacementDelay === null ? null : reassignAt - openedAt + replacementDelay;
    }
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

/** Back-and-forth after the first response, with an escalation when the contact brings one up. */
function exchange(conversation: Conversation, trigger: Trigger | null): void {
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
function close(conversation: Conversation): number | null {
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
