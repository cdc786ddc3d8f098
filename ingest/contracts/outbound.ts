import { Type, type Static } from '@sinclair/typebox';
import { Id, Instant, Nullable, OneOf, schemaContract } from './record-contract.ts';

export const AUTHOR_KINDS = ['agent', 'automation', 'campaign'] as const;

/** What the business sent, attributed to a person, an automation or a campaign. */
export const OutboundRecord = Type.Object({
  wamid: Id,
  phone_number_id: Id,
  to: Id,
  sent_at: Instant,
  author_kind: OneOf(AUTHOR_KINDS),
  agent_id: Nullable(Id),
  type: Id,
  template_name: Nullable(Type.String()),
  text: Nullable(Type.String()),
});
export type OutboundRecord = Static<typeof OutboundRecord>;

export const outboundContract = schemaContract({
  kind: 'outbound',
  schema: OutboundRecord,
  rules: (record) =>
    record.author_kind === 'agent' && !record.agent_id ? 'agent_id is missing on a message by an agent' : undefined,
});
