/** A well-formed outbound record (ingest/contracts/outbound.ts), for tests to vary one field of. */
export const OUTBOUND_RECORD = {
  wamid: 'wamid.OK1',
  phone_number_id: '800000000000001',
  to: '919811112222',
  sent_at: '2026-11-27T10:00:00+05:30',
  author_kind: 'agent',
  agent_id: 'a_priya',
  type: 'text',
  text: 'Hello',
};
