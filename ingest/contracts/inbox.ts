import { Type, type Static } from '@sinclair/typebox';
import { Id, Instant, Nullable, OneOf, schemaContract } from './record-contract.ts';

export const DISPOSITIONS = [
  'won',
  'lost',
  'not_interested',
  'follow_up',
  'proposal_sent',
  'escalated_to_owner',
  'spam',
] as const;
export const NEXT_ACTIONS = ['follow_up', 'send_proposal', 'escalate_to_owner', 'mark_not_interested', 'none'] as const;

/** The fields each event type must carry, beside the common ones. */
export const INBOX_EVENT_FIELDS = {
  assigned: ['agent_id'],
  unassigned: ['agent_id'],
  handoff_note: ['from_agent_id', 'to_agent_id', 'note'],
  handoff_ack: ['agent_id'],
  escalated: ['agent_id', 'reason'],
  disposition: ['agent_id', 'disposition', 'next_action'],
  closed: ['agent_id'],
  reopened: ['agent_id'],
} as const;
export const INBOX_EVENT_TYPES = Object.keys(INBOX_EVENT_FIELDS) as Array<keyof typeof INBOX_EVENT_FIELDS>;

/** A team event (assignment, handoff, escalation, disposition…) on a contact's open inquiry. */
export const InboxEventRecord = Type.Object({
  event_id: Id,
  type: OneOf(INBOX_EVENT_TYPES),
  at: Instant,
  phone_number_id: Id,
  wa_id: Id,
  agent_id: Nullable(Id),
  by: Nullable(Id),
  from_agent_id: Nullable(Id),
  to_agent_id: Nullable(Id),
  note: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  disposition: Nullable(OneOf(DISPOSITIONS)),
  next_action: Nullable(OneOf(NEXT_ACTIONS)),
  next_action_at: Nullable(Instant),
});
export type InboxEventRecord = Static<typeof InboxEventRecord>;

export const inboxContract = schemaContract({
  kind: 'inbox',
  schema: InboxEventRecord,
  rules: (record) => {
    const needed = INBOX_EVENT_FIELDS[record.type as keyof typeof INBOX_EVENT_FIELDS];
    const missing = needed.filter((field) => record[field] === undefined || record[field] === null);
    return missing.length ? `${missing.join(', ')} missing on a ${String(record.type)} event` : undefined;
  },
});
