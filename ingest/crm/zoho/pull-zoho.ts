import type { Config } from '../../../lib/config.ts';
import { UserError } from '../../../lib/user-error.ts';
import type { CrmLanding, CrmRecord } from '../crm-landing.ts';
import type { CursorStore } from '../cursor-store.ts';
import type { PullOptions } from '../hubspot/pull-hubspot.ts';
import type { CrmPull, ObjectPull } from '../pull-summary.ts';
import type { OwnerMatcher } from '../roster-emails.ts';
import { createZohoClient, type ZohoClient, type ZohoRecord } from './zoho-client.ts';
import { DEAL_FIELDS, PERSON_FIELDS, dealRecord, personRecord } from './zoho-mapping.ts';

interface ModuleSpec {
  key: string;
  module: 'Leads' | 'Contacts' | 'Deals';
  fields: string[];
  kind: 'crm-contacts' | 'crm-deals';
  toRecord(record: ZohoRecord): CrmRecord;
}

/** Pulls Leads, Contacts and Deals modified since the stored cursor, landing each page before moving it. */
export async function pullZoho(
  config: Config,
  context: { landing: CrmLanding; cursors: CursorStore; owners: OwnerMatcher },
  options: PullOptions,
): Promise<CrmPull> {
  const { clientId, clientSecret, refreshToken, accountsUrl, apiUrl } = config.zoho;
  if (!clientId || !clientSecret || !refreshToken) {
    throw new UserError('ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN must all be set (a Zoho self client with ZohoCRM.modules.READ scope)');
  }
  const client = createZohoClient({ clientId, clientSecret, refreshToken, accountsUrl, apiUrl }, (reason, waitMs) =>
    options.log(`Zoho: ${reason}; retrying in ${(waitMs / 1000).toFixed(1)}s`),
  );
  const people = (module: 'Leads' | 'Contacts'): ModuleSpec => ({
    key: `zoho:${module.toLowerCase()}`,
    module,
    fields: PERSON_FIELDS,
    kind: 'crm-contacts',
    toRecord: (record) => ({ verbatim: record, values: personRecord(record, module, context.owners) }),
  });
  const specs: ModuleSpec[] = [
    people('Leads'),
    people('Contacts'),
    { key: 'zoho:deals', module: 'Deals', fields: DEAL_FIELDS, kind: 'crm-deals', toRecord: (record) => ({ verbatim: record, values: dealRecord(record, context.owners) }) },
  ];
  const objects: ObjectPull[] = [];
  for (const spec of specs) objects.push(await pullModule(client, spec, context, options));
  return { objects, unmatchedOwners: context.owners.unmatched() };
}

/**
 * Keyset paging on Modified_Time with If-Modified-Since. Whether Zoho's "since" includes the
 * second itself is not documented, so the next request asks from one second before the last record
 * seen (a few records come twice and dedupe); while a whole page shares that second, the page
 * number moves instead.
 */
async function pullModule(
  client: ZohoClient,
  spec: ModuleSpec,
  context: { landing: CrmLanding; cursors: CursorStore },
  options: PullOptions,
): Promise<ObjectPull> {
  const stored = context.cursors.get(spec.key);
  let cursor = options.since
    ? { watermark: zohoTime(options.since.getTime()), page: 1 }
    : { watermark: stored?.watermark ?? '1970-01-01T00:00:00+00:00', page: Number(stored?.position ?? 1) };
  const summary: ObjectPull = { key: spec.key, pages: 0, landed: 0, quarantined: [], complete: true };
  // Re-fetched records land again (and dedupe in raw); count each record version once.
  const seen = new Set<string>();
  for (;;) {
    if (options.maxPages !== undefined && summary.pages >= options.maxPages) {
      summary.complete = false;
      break;
    }
    const page = await client.records(spec.module, cursor.watermark, cursor.page, spec.fields);
    if (!page.data.length) break;
    const landed = await context.landing.landPage(spec.kind, page.data.map(spec.toRecord));
    summary.pages += 1;
    for (const record of page.data) seen.add(`${record.id}@${record.Modified_Time}`);
    summary.landed = seen.size - summary.quarantined.length - landed.quarantined.length;
    summary.quarantined.push(...landed.quarantined);
    const lastSecond = zohoTime(Date.parse(page.data[page.data.length - 1]!.Modified_Time) - 1000);
    const next = !page.more || Date.parse(lastSecond) > Date.parse(cursor.watermark)
      ? { watermark: lastSecond, page: 1 }
      : { watermark: cursor.watermark, page: cursor.page + 1 };
    context.cursors.set(spec.key, { watermark: next.watermark, position: String(next.page) });
    cursor = next;
    if (!page.more) break;
  }
  return summary;
}

/** The If-Modified-Since form Zoho documents: ISO 8601 to the second with an offset. */
function zohoTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}
