import { BUSINESS } from './coaching-institute.ts';

/**
 * WhatsApp Cloud API webhook bodies, in the shapes Meta documents (see
 * shared/reference/whatsapp-crm.md): the `messages` field with contacts and messages for what
 * contacts send, and with statuses for what happened to what the business sent.
 */

export interface WebhookContact {
  waId: string;
  name: string;
}

/** A message as it sits in `value.messages[]`, minus from/id/timestamp which the body adds. */
export type InboundContent =
  | { type: 'text'; text: string }
  | { type: 'image'; caption: string; mediaId: string }
  | { type: 'document'; caption: string; filename: string; mediaId: string }
  | { type: 'audio'; mediaId: string }
  | { type: 'location'; latitude: number; longitude: number; name: string }
  | { type: 'reaction'; emoji: string; messageId: string }
  | { type: 'button'; text: string; payload: string }
  | { type: 'interactive'; title: string; replyId: string };

export interface InboundMessage {
  wamid: string;
  at: number;
  content: InboundContent;
  /** The business message this one replies to (a button tap always has one). */
  contextWamid?: string;
  referral?: { adId: string; headline: string; clickId: string };
}

const seconds = (at: number): string => String(Math.floor(at / 1000));

function messageObject(from: string, message: InboundMessage): Record<string, unknown> {
  const { content } = message;
  const base: Record<string, unknown> = { from, id: message.wamid, timestamp: seconds(message.at), type: content.type };
  switch (content.type) {
    case 'text':
      base.text = { body: content.text };
      break;
    case 'image':
      base.image = { caption: content.caption, mime_type: 'image/jpeg', sha256: content.mediaId.slice(-12), id: content.mediaId };
      break;
    case 'document':
      base.document = {
        caption: content.caption,
        filename: content.filename,
        mime_type: 'application/pdf',
        sha256: content.mediaId.slice(-12),
        id: content.mediaId,
      };
      break;
    case 'audio':
      base.audio = { mime_type: 'audio/ogg; codecs=opus', sha256: content.mediaId.slice(-12), id: content.mediaId, voice: true };
      break;
    case 'location':
      base.location = { latitude: content.latitude, longitude: content.longitude, name: content.name };
      break;
    case 'reaction':
      base.reaction = { message_id: content.messageId, emoji: content.emoji };
      break;
    case 'button':
      base.button = { payload: content.payload, text: content.text };
      break;
    case 'interactive':
      base.interactive = { type: 'button_reply', button_reply: { id: content.replyId, title: content.title } };
      break;
  }
  if (message.contextWamid) base.context = { from: BUSINESS.displayPhoneNumber, id: message.contextWamid };
  if (message.referral) {
    base.referral = {
      source_url: `https://fb.me/${message.referral.adId.slice(-8)}`,
      source_id: message.referral.adId,
      source_type: 'ad',
      headline: message.referral.headline,
      body: 'Admissions open for 2027 batches. Tap to chat with a counsellor.',
      media_type: 'image',
      image_url: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/ad-creative.jpg',
      ctwa_clid: message.referral.clickId,
    };
  }
  return base;
}

function envelope(value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: BUSINESS.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: BUSINESS.displayPhoneNumber, phone_number_id: BUSINESS.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** One webhook body carrying one or more messages from one contact. */
export function inboundWebhook(contact: WebhookContact, messages: InboundMessage[]): string {
  return JSON.stringify(
    envelope({
      contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }],
      messages: messages.map((message) => messageObject(contact.waId, message)),
    }),
  );
}

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusUpdate {
  wamid: string;
  status: StatusName;
  at: number;
  recipient: string;
  pricing?: { billable: boolean; type: string; category: string };
  error?: { code: number; title: string; details: string };
}

function statusObject(update: StatusUpdate): Record<string, unknown> {
  const status: Record<string, unknown> = {
    id: update.wamid,
    status: update.status,
    timestamp: seconds(update.at),
    recipient_id: update.recipient,
  };
  if (update.pricing) status.pricing = { ...update.pricing, pricing_model: 'PMP' };
  if (update.error) {
    status.errors = [
      { code: update.error.code, title: update.error.title, message: update.error.title, error_data: { details: update.error.details } },
    ];
  }
  return status;
}

/** One webhook body carrying one or more status updates (Meta batches them sometimes). */
export function statusWebhook(updates: StatusUpdate[]): string {
  return JSON.stringify(envelope({ statuses: updates.map(statusObject) }));
}
