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
  return { objects, unmatchedOwners: context.owners.unmatched(), ownersWithoutEmail: context.owners.withoutEmail() };
}

/**
 * Keyset paging on Modified_Time with If-Modified-Since. Whether Zoho's "since" includes the
 * second itself is not documented, so each request asks from one second before the last record
 * seen (a few records come twice and dedupe). Only when a whole page shares that second do page
 * numbers come in, and only within the run: an edit during the pull moves a record out of the
 * tie and shifts the pages after it, so a tie is read again from page 1 until a pass finds
 * nothing new. The stored cursor is the watermark alone; pulls with --since leave it alone.
 */
async function pullModule(
  client: ZohoClient,
  spec: ModuleSpec,
  context: { landing: CrmLanding; cursors: CursorStore },
  options: PullOptions,
): Promise<ObjectPull> {
  let watermark = options.since ? zohoTime(options.since.getTime() - 1000) : (context.cursors.get(spec.key)?.watermark ?? EPOCH);
  const summary: ObjectPull = { key: spec.key, pages: 0, landed: 0, quarantined: [], complete: true };
  // Re-fetched records land again (and dedupe in raw); count each record version once.
  const seen = new Set<string>();
  const land = async (records: ZohoRecord[]): Promise<number> => {
    const landed = await context.landing.landPage(spec.kind, records.map(spec.toRecord));
    summary.pages += 1;
    summary.quarantined.push(...landed.quarantined);
    const before = seen.size;
    for (const record of records) seen.add(`${record.id}@${record.Modified_Time}`);
    summary.landed = seen.size - summary.quarantined.length;
    return seen.size - before;
  };
  const outOfPages = () => options.maxPages !== undefined && summary.pages >= options.maxPages;

  for (let tiePasses = 0; ; ) {
    // One pass from the watermark: page 1, and further pages only while a page stays in one second.
    let page = 1;
    let fresh = 0;
    let next: { watermark: string; more: boolean } | undefined;
    for (;;) {
      if (outOfPages()) {
        summary.complete = false;
        return summary;
      }
      const result = await client.records(spec.module, watermark, page, spec.fields);
      if (!result.data.length) break;
      fresh += await land(result.data);
      const lastSecond = zohoTime(Date.parse(result.data[result.data.length - 1]!.Modified_Time) - 1000);
      if (!result.more || Date.parse(lastSecond) > Date.parse(watermark)) {
        next = { watermark: lastSecond, more: result.more };
        break;
      }
      page += 1;
    }
    if (page > 1 && fresh > 0 && tiePasses < MAX_TIE_PASSES) {
      tiePasses += 1;
      continue;
    }
    if (!next) break;
    tiePasses = 0;
    watermark = next.watermark;
    if (!options.since) context.cursors.set(spec.key, { watermark, position: null });
    if (!next.more) break;
  }
  return summary;
}

const EPOCH = '1970-01-01T00:00:00+00:00';
/** A tie read by page numbers is read again until a pass finds nothing new, this many times at most. */
const MAX_TIE_PASSES = 3;

/** The If-Modified-Since form Zoho documents: ISO 8601 to the second with an offset. */
function zohoTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}
