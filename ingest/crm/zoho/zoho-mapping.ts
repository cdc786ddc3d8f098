import type { CrmContactRecord } from '../../contracts/crm-contacts.ts';
import type { CrmDealRecord } from '../../contracts/crm-deals.ts';
import type { OwnerMatcher } from '../roster-emails.ts';
import type { ZohoRecord } from './zoho-client.ts';

export const PERSON_FIELDS = ['First_Name', 'Last_Name', 'Full_Name', 'Phone', 'Mobile', 'Email', 'Owner', 'Lead_Status', 'Created_Time', 'Modified_Time'];
export const DEAL_FIELDS = ['Deal_Name', 'Amount', 'Stage', 'Closing_Date', 'Contact_Name', 'Owner', 'Created_Time', 'Modified_Time'];

interface Lookup {
  id?: string;
  name?: string;
  email?: string;
}

function ownerAgent(record: ZohoRecord, owners: OwnerMatcher): string | null {
  const owner = record.Owner as Lookup | null | undefined;
  if (!owner) return null;
  return text(owner.email) ? owners.agentFor(owner.email) : owners.noEmail(`Zoho user ${owner.name ?? owner.id}`);
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

/** A lead or a contact: both are people who may write on WhatsApp. */
export function personRecord(record: ZohoRecord, module: 'Leads' | 'Contacts', owners: OwnerMatcher): CrmContactRecord {
  const name = text(record.Full_Name) ?? ([text(record.First_Name), text(record.Last_Name)].filter(Boolean).join(' ') || null);
  return {
    crm_contact_id: record.id,
    phone: text(record.Mobile) ?? text(record.Phone),
    name,
    owner_agent_id: ownerAgent(record, owners),
    lifecycle_stage: module === 'Leads' ? (text(record.Lead_Status) ?? 'lead') : 'contact',
    created_at: String(record.Created_Time),
    updated_at: record.Modified_Time,
  };
}

export function dealRecord(record: ZohoRecord, owners: OwnerMatcher): CrmDealRecord {
  const stage = text(record.Stage);
  const closing = text(record.Closing_Date);
  return {
    deal_id: record.id,
    crm_contact_id: (record.Contact_Name as Lookup | null | undefined)?.id ?? null,
    name: text(record.Deal_Name),
    amount_inr: typeof record.Amount === 'number' ? record.Amount : record.Amount ? Number(record.Amount) : null,
    stage,
    owner_agent_id: ownerAgent(record, owners),
    created_at: String(record.Created_Time),
    updated_at: record.Modified_Time,
    // Zoho's closing date is a date; a closed deal closed during that day in India.
    closed_at: stage?.startsWith('Closed') && closing ? `${closing}T00:00:00+05:30` : null,
  };
}
