import { Type, type Static } from '@sinclair/typebox';
import { Id, Instant, Nullable, schemaContract } from './record-contract.ts';

/** A contact as the CRM (HubSpot, Zoho or a CSV export) knows it; one row per version. */
export const CrmContactRecord = Type.Object({
  crm_contact_id: Id,
  phone: Nullable(Type.String()),
  name: Nullable(Type.String()),
  owner_agent_id: Nullable(Id),
  lifecycle_stage: Nullable(Type.String()),
  created_at: Instant,
  updated_at: Instant,
});
export type CrmContactRecord = Static<typeof CrmContactRecord>;

export const crmContactsContract = schemaContract({ kind: 'crm-contacts', schema: CrmContactRecord });
