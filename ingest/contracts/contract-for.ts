import { UserError } from '../../lib/user-error.ts';
import { crmContactsContract } from './crm-contacts.ts';
import { crmDealsContract } from './crm-deals.ts';
import { inboxContract } from './inbox.ts';
import { outboundContract } from './outbound.ts';
import type { RecordContract } from './record-contract.ts';
import { rosterContract } from './roster.ts';
import { whatsappContract } from './whatsapp.ts';

export const KINDS = ['whatsapp', 'outbound', 'inbox', 'roster', 'crm-contacts', 'crm-deals'] as const;
export type Kind = (typeof KINDS)[number];

const CONTRACTS: Record<Kind, RecordContract> = {
  whatsapp: whatsappContract,
  outbound: outboundContract,
  inbox: inboxContract,
  roster: rosterContract,
  'crm-contacts': crmContactsContract,
  'crm-deals': crmDealsContract,
};

export function isKind(name: string): name is Kind {
  return (KINDS as readonly string[]).includes(name);
}

/** The input contract of a kind, or a one-line error listing the kinds there are. */
export function contractFor(kind: string): RecordContract {
  if (!isKind(kind)) throw new UserError(`unknown kind "${kind}"; expected one of: ${KINDS.join(', ')}`);
  return CONTRACTS[kind];
}
