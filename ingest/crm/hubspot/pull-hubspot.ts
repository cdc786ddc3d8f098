import type { Config } from '../../../lib/config.ts';
import { UserError } from '../../../lib/user-error.ts';
import type { CrmLanding, CrmRecord } from '../crm-landing.ts';
import type { CursorStore } from '../cursor-store.ts';
import type { CrmPull, ObjectPull } from '../pull-summary.ts';
import type { OwnerMatcher } from '../roster-emails.ts';
import { createHubspotClient, PAGE_SIZE, type HubspotClient, type HubspotObject } from './hubspot-client.ts';
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
  const ownerEmails = new Map((await client.owners()).map((owner) => [owner.id, owner.email || null]));
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
  return { objects, unmatchedOwners: context.owners.unmatched(), ownersWithoutEmail: context.owners.withoutEmail() };
}

/**
 * Keyset paging, never offsets: records modified after the watermark come oldest first; when a
 * full page ends on a modified time other records may share, the records of that exact time are
 * read again by id (HubSpot sorts by one property, so order within a tie is not given). The
 * cursor means "everything modified before the watermark, and at it up to this id, is landed", so
 * it holds across a crash, and a record edited during the pull only moves ahead of it. Pulls with
 * --since are one-off backfills and leave the stored cursor alone.
 */
async function pullObject(
  client: HubspotClient,
  spec: ObjectSpec,
  context: { landing: CrmLanding; cursors: CursorStore },
  options: PullOptions,
): Promise<ObjectPull> {
  const stored = options.since ? undefined : context.cursors.get(spec.key);
  let cursor: { watermark: string; position: string | null } = options.since
    ? { watermark: String(options.since.getTime() - 1), position: null }
    : { watermark: stored?.watermark ?? '-1', position: stored?.position ?? null };
  const save = (next: typeof cursor): void => {
    cursor = next;
    if (!options.since) context.cursors.set(spec.key, next);
  };
  const summary: ObjectPull = { key: spec.key, pages: 0, landed: 0, quarantined: [], complete: true };
  // Re-read ties land again (and dedupe in raw); count each record version once.
  const seen = new Set<string>();
  for (;;) {
    if (options.maxPages !== undefined && summary.pages >= options.maxPages) {
      summary.complete = false;
      break;
    }
    const inTie = cursor.position !== null;
    const page = inTie
      ? await client.modifiedAtAfterId(spec.object, spec.modifiedProperty, cursor.watermark, cursor.position!, spec.properties)
      : await client.modifiedAfter(spec.object, spec.modifiedProperty, cursor.watermark, spec.properties);
    if (page.results.length) {
      const landed = await context.landing.landPage(spec.kind, await spec.toRecords(page.results));
      summary.pages += 1;
      for (const object of page.results) seen.add(`${object.id}@${object.properties[spec.modifiedProperty]}`);
      summary.quarantined.push(...landed.quarantined);
      summary.landed = seen.size - summary.quarantined.length;
    }
    const full = page.results.length >= PAGE_SIZE;
    const last = page.results[page.results.length - 1];
    if (inTie) {
      // Through the tie by id; when it runs out, everything up to the watermark is landed.
      save(full ? { watermark: cursor.watermark, position: last!.id } : { watermark: cursor.watermark, position: null });
      continue;
    }
    if (!last) break;
    const lastModified = String(Date.parse(last.properties[spec.modifiedProperty] ?? last.updatedAt ?? ''));
    // A full page may have stopped inside a tie: read that modified time by id, from the start.
    save(full ? { watermark: lastModified, position: '0' } : { watermark: lastModified, position: null });
    if (!full) break;
  }
  return summary;
}
