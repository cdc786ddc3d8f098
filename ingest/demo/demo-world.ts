import type { CrmContactRecord } from '../contracts/crm-contacts.ts';
import type { CrmDealRecord } from '../contracts/crm-deals.ts';
import type { InboxEventRecord } from '../contracts/inbox.ts';
import type { OutboundRecord } from '../contracts/outbound.ts';
import { istIso, type BusinessCalendar } from './business-calendar.ts';
import {
  inboundWebhook,
  statusWebhook,
  type InboundContent,
  type InboundMessage,
  type StatusUpdate,
  type WebhookContact,
} from './cloud-api-payloads.ts';
import { BUSINESS } from './coaching-institute.ts';
import type { Random } from './random.ts';

/** Lines produced for each output file; the generator drains them after every inquiry. */
export interface DemoLines {
  whatsapp: string[];
  outbound: string[];
  inbox: string[];
  crmContacts: string[];
  crmDeals: string[];
}

export interface SentMessage {
  wamid: string;
  at: number;
}

type AuthorKind = OutboundRecord['author_kind'];
type EventFields = Omit<InboxEventRecord, 'event_id' | 'type' | 'at' | 'phone_number_id' | 'wa_id'>;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Share of webhook bodies delivered twice, as Meta's retries do. */
const RETRY_RATE = 0.005;

/**
 * Everything a simulated conversation can do, writing in the real input formats: webhook bodies
 * for what contacts send and for delivery statuses, the outbound log, inbox events, CRM rows.
 * Nothing after `end` (the demo's "now") is written: conversations in flight stay in flight.
 */
export interface DemoWorld {
  random: Random;
  calendar: BusinessCalendar;
  end: number;
  lines: DemoLines;
  mediaId(): string;
  /** 1, 2, 3, … : for ids that must not collide (CRM records). */
  sequence(): number;
  receive(contact: WebhookContact, at: number, content: InboundContent, options?: Partial<InboundMessage>): SentMessage;
  send(
    contact: WebhookContact,
    at: number,
    message: { authorKind: AuthorKind; agentId?: string | null; text: string; templateName?: string; type?: string },
    options?: { readBefore?: number; failWith?: StatusUpdate['error'] },
  ): SentMessage;
  event(type: InboxEventRecord['type'], at: number, contact: WebhookContact, fields: EventFields): void;
  crmContact(record: CrmContactRecord): void;
  crmDeal(record: CrmDealRecord): void;
}

export function createDemoWorld(random: Random, calendar: BusinessCalendar, end: number): DemoWorld {
  const lines: DemoLines = { whatsapp: [], outbound: [], inbox: [], crmContacts: [], crmDeals: [] };
  const wamid = (): string => {
    let id = 'wamid.HBgM';
    for (let i = 0; i < 44; i += 1) id += BASE64[Math.floor(random.next() * 62)];
    return `${id}=`;
  };
  const webhook = (body: string): void => {
    lines.whatsapp.push(body);
    if (random.chance(RETRY_RATE)) lines.whatsapp.push(body);
  };

  const emitStatuses = (
    id: string,
    recipient: string,
    sentAt: number,
    pricing: StatusUpdate['pricing'],
    readBefore: number | undefined,
    failWith: StatusUpdate['error'] | undefined,
  ): void => {
    const updates: StatusUpdate[] = [{ wamid: id, status: 'sent', at: sentAt + random.int(1, 3) * 1000, recipient, pricing }];
    if (failWith || random.chance(0.015)) {
      const error = failWith ?? { code: 131026, title: 'Message undeliverable', details: 'Message Undeliverable.' };
      updates.push({ wamid: id, status: 'failed', at: sentAt + random.int(2, 20) * 1000, recipient, error });
    } else {
      const deliveredAt = sentAt + random.int(2, 90) * 1000;
      const readAt =
        readBefore !== undefined
          ? Math.max(deliveredAt + 1000, readBefore - random.int(5, 300) * 1000)
          : random.chance(0.6)
            ? deliveredAt + random.logNormal(30 * 60_000, 1.2)
            : undefined;
      // A read that follows delivery within seconds often arrives without the delivered webhook.
      const skipDelivered = readAt !== undefined && readAt - deliveredAt < 5000 && random.chance(0.5);
      if (!skipDelivered) updates.push({ wamid: id, status: 'delivered', at: deliveredAt, recipient, pricing });
      if (readAt !== undefined) updates.push({ wamid: id, status: 'read', at: readAt, recipient });
    }
    const due = updates.filter((update) => update.at <= end);
    // Meta sends most statuses one per POST, now and then a few together.
    if (due.length > 1 && random.chance(0.15)) webhook(statusWebhook(due));
    else for (const update of due) webhook(statusWebhook([update]));
  };

  let counter = 0;
  return {
    random,
    calendar,
    end,
    lines,
    sequence: () => ++counter,
    mediaId: () => String(random.int(100000000, 999999999)) + String(random.int(100000, 999999)),
    receive(contact, at, content, options = {}) {
      const message: InboundMessage = { wamid: wamid(), at, content, ...options };
      if (at <= end) webhook(inboundWebhook(contact, [message]));
      return { wamid: message.wamid, at };
    },
    send(contact, at, message, options = {}) {
      const id = wamid();
      if (at > end) return { wamid: id, at };
      const record: OutboundRecord = {
        wamid: id,
        phone_number_id: BUSINESS.phoneNumberId,
        to: contact.waId,
        sent_at: istIso(at),
        author_kind: message.authorKind,
        agent_id: message.agentId ?? null,
        type: message.templateName ? 'template' : (message.type ?? 'text'),
        template_name: message.templateName ?? null,
        text: message.text,
      };
      lines.outbound.push(JSON.stringify(record));
      const pricing = message.templateName
        ? { billable: true, type: 'regular', category: message.authorKind === 'campaign' ? 'marketing' : 'utility' }
        : { billable: false, type: 'free_customer_service', category: 'service' };
      emitStatuses(id, contact.waId, at, pricing, options.readBefore, options.failWith);
      return { wamid: id, at };
    },
    event(type, at, contact, fields) {
      if (at > end) return;
      const record: InboxEventRecord = {
        event_id: `evt_${random.hex(20)}`,
        type,
        at: istIso(at),
        phone_number_id: BUSINESS.phoneNumberId,
        wa_id: contact.waId,
        ...fields,
      };
      lines.inbox.push(JSON.stringify(record));
    },
    crmContact(record) {
      if (Date.parse(record.updated_at) <= end) lines.crmContacts.push(csvRow(Object.values(record)));
    },
    crmDeal(record) {
      if (Date.parse(record.updated_at) <= end) lines.crmDeals.push(csvRow(Object.values(record)));
    },
  };
}

/** One CSV row (RFC 4180 quoting), without the line break. */
export function csvRow(values: ReadonlyArray<unknown>): string {
  return values
    .map((value) => {
      const text = value === null || value === undefined ? '' : String(value);
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',');
}
