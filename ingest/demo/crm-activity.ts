import type { DISPOSITIONS } from '../contracts/inbox.ts';
import { istIso } from './business-calendar.ts';
import type { DemoAgent } from './coaching-institute.ts';
import type { DemoWorld } from './demo-world.ts';
import type { DemoContact } from './conversation.ts';
import type { InquiryKind } from './team-behaviour.ts';

type Disposition = (typeof DISPOSITIONS)[number];

const LIFECYCLE: Partial<Record<Disposition, string>> = {
  won: 'customer',
  proposal_sent: 'opportunity',
  follow_up: 'salesqualifiedlead',
  escalated_to_owner: 'opportunity',
};

const DEAL_STAGE: Partial<Record<Disposition, string>> = {
  won: 'closedwon',
  lost: 'closedlost',
  not_interested: 'closedlost',
  proposal_sent: 'presentationscheduled',
};

/**
 * What the CRM sees of an inquiry: the contact is created when a person first answers (not
 * everyone makes it into the CRM), a deal opens for serious prospects, and a disposition moves
 * the lifecycle stage and the deal. Every change is a new version row, as an incremental CRM pull
 * delivers them.
 */
export function recordCrm(
  world: DemoWorld,
  contact: DemoContact,
  kind: InquiryKind,
  owner: DemoAgent,
  at: number,
  disposition?: Disposition,
): void {
  const { random } = world;
  const updatedAt = istIso(at + random.int(1, 30) * 60_000);
  if (!contact.crmContactId) {
    if (disposition || kind === 'broadcast_reply' || kind === 'acknowledgement' || !random.chance(0.75)) return;
    contact.crmContactId = String(400000 + world.sequence());
    contact.crmCreatedAt = updatedAt;
    writeContact(world, contact, owner, 'lead', updatedAt);
  } else if (disposition && LIFECYCLE[disposition]) {
    writeContact(world, contact, owner, LIFECYCLE[disposition]!, updatedAt);
  }

  if (!disposition && !contact.dealId && (kind === 'fresh_high_intent' || kind === 'returning') && random.chance(0.6)) {
    contact.dealId = String(9100000 + world.sequence());
    contact.dealCreatedAt = updatedAt;
    // List price less a negotiated discount, or more with add-ons (hostel, study material).
    const amount = Math.round((contact.product.priceInr * (0.85 + random.next() * 0.4)) / 500) * 500;
    contact.dealAmountInr = Math.min(10_00_000, Math.max(20_000, amount));
    writeDeal(world, contact, owner, 'qualifiedtobuy', updatedAt, null);
  } else if (disposition && contact.dealId && DEAL_STAGE[disposition]) {
    const stage = DEAL_STAGE[disposition]!;
    writeDeal(world, contact, owner, stage, updatedAt, stage.startsWith('closed') ? updatedAt : null);
    if (stage.startsWith('closed')) contact.dealId = undefined;
  }
}

function writeContact(world: DemoWorld, contact: DemoContact, owner: DemoAgent, stage: string, updatedAt: string): void {
  world.crmContact({
    crm_contact_id: contact.crmContactId!,
    phone: contact.crmPhone,
    name: contact.name,
    owner_agent_id: owner.agent_id,
    lifecycle_stage: stage,
    created_at: contact.crmCreatedAt!,
    updated_at: updatedAt,
  });
}

function writeDeal(world: DemoWorld, contact: DemoContact, owner: DemoAgent, stage: string, updatedAt: string, closedAt: string | null): void {
  const amount = contact.dealAmountInr!;
  world.crmDeal({
    deal_id: contact.dealId!,
    crm_contact_id: contact.crmContactId ?? null,
    name: `${contact.name} – ${contact.product.names.en}`,
    // Exports write amounts both ways; the ingest accepts either.
    amount_inr: (world.random.chance(0.1) ? `₹${amount.toLocaleString('en-IN')}` : amount) as number,
    stage,
    owner_agent_id: owner.agent_id,
    created_at: contact.dealCreatedAt!,
    updated_at: updatedAt,
    closed_at: closedAt,
  });
}
