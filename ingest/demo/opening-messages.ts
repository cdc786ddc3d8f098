import { DAY_MS } from './business-calendar.ts';
import { agentById } from './coaching-institute.ts';
import { SECOND, receive, type Conversation } from './conversation.ts';
import type { SentMessage } from './demo-world.ts';
import { line } from './phrasebook.ts';

/** The contact's first message(s): a greeting, the question, a photo or voice note, a button tap. */
export function openInquiry(conversation: Conversation, campaign?: SentMessage): void {
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

/** The automation platform's acknowledgement, usually within seconds; some contacts tap its buttons. */
export function autoAcknowledge(conversation: Conversation): void {
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

