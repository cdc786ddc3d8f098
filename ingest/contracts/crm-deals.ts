import { Type, type Static } from '@sinclair/typebox';
import { Id, Instant, Nullable, schemaContract } from './record-contract.ts';

/** A deal in the CRM, amount in rupees; one row per version. */
export const CrmDealRecord = Type.Object({
  deal_id: Id,
  crm_contact_id: Nullable(Id),
  name: Nullable(Type.String()),
  amount_inr: Nullable(Type.Number({ minimum: 0, maximum: 1e15 })),
  stage: Nullable(Type.String()),
  owner_agent_id: Nullable(Id),
  created_at: Instant,
  updated_at: Instant,
  closed_at: Nullable(Instant),
});
export type CrmDealRecord = Static<typeof CrmDealRecord>;

export const crmDealsContract = schemaContract({
  kind: 'crm-deals',
  schema: CrmDealRecord,
  // Indian exports write "₹1,50,000" or "1,50,000.00"; the contract is a plain number of rupees.
  prepare: (record) => {
    if (typeof record.amount_inr === 'string') {
      const plain = record.amount_inr.replace(/[₹,\s]|^Rs\.?/gi, '');
      if (/^\d+(\.\d+)?$/.test(plain)) record.amount_inr = Number(plain);
    }
  },
});
