/** The files `replywatch generate` writes, with the ingest kind of each, in the order they load. */
export const DEMO_SOURCE_FILES: Array<[kind: string, file: string]> = [
  ['roster', 'roster.csv'],
  ['crm-contacts', 'crm-contacts.csv'],
  ['crm-deals', 'crm-deals.csv'],
  ['whatsapp', 'whatsapp.ndjson'],
  ['outbound', 'outbound.ndjson'],
  ['inbox', 'inbox.ndjson'],
];
