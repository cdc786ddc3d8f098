import type { CrmContactRecord } from '../../contracts/crm-contacts.ts';
import type { CrmDealRecord } from '../../contracts/crm-deals.ts';
import type { OwnerMatcher } from '../roster-emails.ts';
import type { HubspotObject, HubspotPipeline } from './hubspot-client.ts';

export const CONTACT_PROPERTIES = ['firstname', 'lastname', 'phone', 'mobilephone', 'hubspot_owner_id', 'lifecyclestage', 'createdate', 'lastmodifieddate'];
export const DEAL_PROPERTIES = ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'hubspot_owner_id', 'createdate', 'hs_lastmodifieddate'];

/** HubSpot writes instants as ISO strings or as epoch milliseconds; the contract wants ISO with an offset. */
export function hubspotInstant(value: string | null | undefined): string | null {
  if (!value) return null;
  if (/^\d+$/.test(value)) return new Date(Number(value)).toISOString();
  return value;
}

/** Owner ids come from the owners API (active and archived); an id it lacks, or one without an email, is reported. */
function ownerAgent(ownerId: string | null | undefined, ownerEmails: Map<string, string | null>, owners: OwnerMatcher): string | null {
  if (!ownerId) return null;
  if (!ownerEmails.has(ownerId)) return owners.noEmail(`HubSpot owner ${ownerId} (unknown id)`);
  const email = ownerEmails.get(ownerId);
  return email ? owners.agentFor(email) : owners.noEmail(`HubSpot owner ${ownerId}`);
}

export function contactRecord(contact: HubspotObject, ownerEmails: Map<string, string | null>, owners: OwnerMatcher): CrmContactRecord {
  const p = contact.properties;
  const name = [p.firstname, p.lastname].filter(Boolean).join(' ') || null;
  return {
    crm_contact_id: contact.id,
    // WhatsApp numbers are mobiles: prefer the mobile field when a contact has both.
    phone: p.mobilephone || p.phone || null,
    name,
    owner_agent_id: ownerAgent(p.hubspot_owner_id, ownerEmails, owners),
    lifecycle_stage: p.lifecyclestage ?? null,
    created_at: hubspotInstant(p.createdate ?? contact.createdAt)!,
    updated_at: hubspotInstant(p.lastmodifieddate ?? contact.updatedAt)!,
  };
}

export function dealRecord(
  deal: HubspotObject,
  context: { ownerEmails: Map<string, string | null>; owners: OwnerMatcher; stages: Map<string, { label: string; isClosed: boolean }>; contacts: string[] },
): CrmDealRecord {
  const p = deal.properties;
  const stage = context.stages.get(p.dealstage ?? '');
  return {
    deal_id: deal.id,
    crm_contact_id: context.contacts[0] ?? null,
    name: p.dealname ?? null,
    // HubSpot amounts are in the deal's currency; a business selling in India keeps it in rupees.
    amount_inr: p.amount ? Number(p.amount) : null,
    stage: stage?.label ?? p.dealstage ?? null,
    owner_agent_id: ownerAgent(p.hubspot_owner_id, context.ownerEmails, context.owners),
    created_at: hubspotInstant(p.createdate ?? deal.createdAt)!,
    updated_at: hubspotInstant(p.hs_lastmodifieddate ?? deal.updatedAt)!,
    closed_at: stage?.isClosed ? hubspotInstant(p.closedate) : null,
  };
}

/** Deal stage id → its label and whether it closes the deal, across all pipelines. */
export function stageIndex(pipelines: HubspotPipeline[]): Map<string, { label: string; isClosed: boolean }> {
  return new Map(
    pipelines.flatMap((pipeline) =>
      pipeline.stages.map((stage) => [stage.id, { label: stage.label, isClosed: stage.metadata?.isClosed === 'true' }] as const),
    ),
  );
}
