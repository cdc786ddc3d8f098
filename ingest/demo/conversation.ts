import { DAY_MS } from './business-calendar.ts';
import type { DemoAgent, DemoProduct } from './coaching-institute.ts';
import type { WebhookContact } from './cloud-api-payloads.ts';
import type { DemoWorld, SentMessage } from './demo-world.ts';
import type { Language } from './phrasebook.ts';
import type { InquiryKind } from './team-behaviour.ts';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
/** A little over the models' 14 days, so a contact's next message surely opens a new inquiry. */
export const DORMANT_AFTER = 14 * DAY_MS + HOUR;

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

/** One inquiry being simulated: who, what about, and how far the conversation got. */
export interface Conversation {
  world: DemoWorld;
  contact: DemoContact;
  kind: InquiryKind;
  openedAt: number;
  lastInboundAt: number;
  lastActivityAt: number;
  handler: DemoAgent;
  answered: boolean;
}

export function receive(conversation: Conversation, at: number, text: string, options: Parameters<DemoWorld['receive']>[3] = {}): SentMessage {
  const message = conversation.world.receive(conversation.contact, at, { type: 'text', text }, options);
  conversation.lastInboundAt = Math.max(conversation.lastInboundAt, at);
  conversation.lastActivityAt = Math.max(conversation.lastActivityAt, at);
  return message;
}

export function send(conversation: Conversation, at: number, agent: DemoAgent, text: string, readBefore?: number): SentMessage {
  const message = conversation.world.send(conversation.contact, at, { authorKind: 'agent', agentId: agent.agent_id, text }, { readBefore });
  conversation.lastActivityAt = Math.max(conversation.lastActivityAt, at);
  conversation.contact.lastBusinessMessage = message;
  return message;
}

