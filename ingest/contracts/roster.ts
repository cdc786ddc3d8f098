import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, OneOf, schemaContract } from './record-contract.ts';

export const ROLES = ['owner', 'senior', 'sales', 'support', 'junior'] as const;

/** One person on the team who answers WhatsApp. */
export const RosterRecord = Type.Object({
  agent_id: Id,
  name: Id,
  /** Optional: matches CRM owners (HubSpot, Zoho) to the roster. */
  email: Nullable(Type.String()),
  role: OneOf(ROLES),
  team: Id,
  supervisor_id: Nullable(Id),
  capacity: Type.Integer({ minimum: 0, maximum: 100_000 }),
  active: Type.Boolean(),
});
export type RosterRecord = Static<typeof RosterRecord>;

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);

export const rosterContract = schemaContract({
  kind: 'roster',
  schema: RosterRecord,
  prepare: (record) => {
    if (typeof record.role === 'string') record.role = record.role.trim().toLowerCase();
    if (typeof record.active === 'string') {
      const flag = record.active.trim().toLowerCase();
      if (YES.has(flag)) record.active = true;
      else if (NO.has(flag)) record.active = false;
    }
  },
});
