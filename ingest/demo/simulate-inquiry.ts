import { DAY_MS } from './business-calendar.ts';
import { close } from './closing.ts';
import { DORMANT_AFTER, type Conversation, type DemoContact } from './conversation.ts';
import { recordCrm } from './crm-activity.ts';
import type { DemoWorld, SentMessage } from './demo-world.ts';
import { exchange, type Trigger } from './exchanges.ts';
import { firstResponse } from './first-response.ts';
import { autoAcknowledge, openInquiry } from './opening-messages.ts';
import { chooseAssignee, type InquiryKind } from './team-behaviour.ts';

export type { DemoContact } from './conversation.ts';

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
  openInquiry(conversation, campaign);
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

