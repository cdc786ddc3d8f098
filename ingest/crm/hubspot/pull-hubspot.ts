import type { Config } from '../../../lib/config.ts';
import { UserError } from '../../../lib/user-error.ts';
import type { CrmLanding, CrmRecord } from '../crm-landing.ts';
import type { CursorStore } from '../cursor-store.ts';
import type { CrmPull, ObjectPull } from '../pull-summary.ts';
import type { OwnerMatcher } from '../roster-emails.ts';
import { createHubspotClient, type HubspotClient, type HubspotObject } from './hubspot-client.ts';
import { CONTACT_PROPERTIES, DEAL_PROPERTIES, contactRecord, dealRecord, stageIndex } from './hubspot-mapping.ts';

export interface PullOptions {
  since?: Date;
  maxPages?: number;
  log: (line: string) => void;
}

interface ObjectSpec {
  key: string;
  object: 'contacts' | 'deals';
  modifiedProperty: string;
  properties: string[];
  kind: 'crm-contacts' | 'crm-deals';
  toRecords(objects: HubspotObject[]): Promise<CrmRecord[]>;
}

/**
 * Pulls contacts and deals modified since the stored cursor from HubSpot's search API, oldest
 * first, landing each page before moving the cursor. Owners become roster agents by email.
 */
export async function pullHubspot(
  config: Config,
  context: { landing: CrmLanding; cursors: CursorStore; owners: OwnerMatcher },
  options: PullOptions,
): Promise<CrmPull> {
  if (!config.hubspot.token) {
    throw new UserError('HUBSPOT_TOKEN is not set; create a private app in HubSpot with CRM read scopes and set its token');
  }
  const client = createHubspotClient({
    baseUrl: config.hubspot.baseUrl,
    token: config.hubspot.token,
    onRetry: (reason, waitMs) => options.log(`HubSpot: ${reason}; retrying in ${(waitMs / 1000).toFixed(1)}s`),
  });
  const ownerEmails = new Map((await client.owners()).map((owner) => [owner.id, owner.email ?? '']));
  const stages = stageIndex(await client.dealPipelines());
  const specs: ObjectSpec[] = [
    {
      key: 'hubspot:contacts',
      object: 'contacts',
      modifiedProperty: 'lastmodifieddate',
      properties: CONTACT_PROPERTIES,
      kind: 'crm-contacts',
      toRecords: async (objects) => objects.map((contact) => ({ verbatim: contact, values: contactRecord(contact, ownerEmails, context.owners) })),
    },
    {
      key: 'hubspot:deals',
      object: 'deals',
      modifiedProperty: 'hs_lastmodifieddate',
      properties: DEAL_PROPERTIES,
      kind: 'crm-deals',
      toRecords: async (objects) => {
        const contacts = await client.dealContacts(objects.map((deal) => deal.id));
        return objects.map((deal) => ({
          verbatim: { ...deal, associations: { contacts: contacts.get(deal.id) ?? [] } },
          values: dealRecord(deal, { ownerEmails, owners: context.owners, stages, contacts: contacts.get(deal.id) ?? [] }),
        }));
      },
    },
  ];
  const objects: ObjectPull[] = [];
  for (const spec of specs) objects.push(await pullObject(client, spec, context, options));
  return { objects, unmatchedOwners: context.owners.unmatched() };
}

/**
 * Keyset paging on the modified time: each request asks for records modified at or after the
 * watermark. When a page ends later than the watermark, the watermark moves there and paging
 * starts over (the ties come again and dedupe); when a whole page shares the watermark, `after`
 * pages through the ties. No offset ever grows past HubSpot's 10,000-result cap, and a record
 * modified during the pull moves ahead of the watermark instead of slipping behind a page.
 */
async function pullObject(
  client: HubspotClient,
  spec: ObjectSpec,
  context: { landing: CrmLanding; cursors: CursorStore },
  options: PullOptions,
): Promise<ObjectPull> {
  const stored = context.cursors.get(spec.key);
  let cursor = options.since
    ? { watermark: String(options.since.getTime()), position: null as string | null }
    : { watermark: stored?.watermark ?? '0', position: stored?.position ?? null };
  const summary: ObjectPull = { key: spec.key, pages: 0, landed: 0, quarantined: [], complete: true };
  // Re-fetched ties land again (and dedupe in raw); count each record version once.
  const seen = new Set<string>();
  for (;;) {
    if (options.maxPages !== undefined && summary.pages >= options.maxPages) {
      summary.complete = false;
      break;
    }
    const page = await client.search(spec.object, spec.modifiedProperty, cursor.watermark, spec.properties, cursor.position);
    if (!page.results.length) break;
    const landed = await context.landing.landPage(spec.kind, await spec.toRecords(page.results));
    summary.pages += 1;
    for (const object of page.results) seen.add(`${object.id}@${object.properties[spec.modifiedProperty]}`);
    summary.landed = seen.size - summary.quarantined.length - landed.quarantined.length;
    summary.quarantined.push(...landed.quarantined);
    const last = page.results[page.results.length - 1]!;
    const lastModified = String(Date.parse(last.properties[spec.modifiedProperty] ?? last.updatedAt ?? '') || cursor.watermark);
    const after = page.paging?.next?.after;
    const next = !after
      ? { watermark: lastModified, position: null }
      : Number(lastModified) > Number(cursor.watermark)
        ? { watermark: lastModified, position: null }
        : { watermark: cursor.watermark, position: after };
    context.cursors.set(spec.key, next);
    cursor = next;
    if (!after) break;
  }
  return summary;
}
