import { UserError } from '../../../lib/user-error.ts';
import { fetchWithRetry } from '../fetch-with-retry.ts';

/** A CRM object as the HubSpot v3 API returns it: every property value is a string. */
export interface HubspotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
}

export interface HubspotSearchPage {
  total: number;
  results: HubspotObject[];
  paging?: { next?: { after: string } };
}

export interface HubspotOwner {
  id: string;
  email: string | null;
  firstName?: string;
  lastName?: string;
}

export interface HubspotPipeline {
  id: string;
  label: string;
  stages: Array<{ id: string; label: string; metadata?: { isClosed?: string; probability?: string } }>;
}

export const PAGE_SIZE = 100;

/** The few HubSpot CRM v3/v4 calls the pull needs, with a private-app token and retries. */
export function createHubspotClient(options: { baseUrl: string; token: string; onRetry?: (reason: string, waitMs: number) => void }) {
  const request = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetchWithRetry(
      new URL(path, options.baseUrl).toString(),
      { ...init, headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', ...init.headers } },
      { service: 'HubSpot', onRetry: options.onRetry },
    );
    if (!response.ok) throw new UserError(`HubSpot answered ${response.status} to ${path}: ${(await response.text()).slice(0, 200)}`);
    return (await response.json()) as T;
  };

  // HubSpot's search takes one sort; keyset filters (never `after` offsets) page through it.
  const search = (object: string, filters: Array<{ propertyName: string; operator: string; value: string }>, sortBy: string, properties: string[]) =>
    request<HubspotSearchPage>(`/crm/v3/objects/${object}/search`, {
      method: 'POST',
      body: JSON.stringify({ filterGroups: [{ filters }], sorts: [{ propertyName: sortBy, direction: 'ASCENDING' }], properties, limit: PAGE_SIZE }),
    });

  const listAll = async <T>(path: string): Promise<T[]> => {
    const items: T[] = [];
    let after: string | undefined;
    do {
      const page = await request<{ results: T[]; paging?: { next?: { after: string } } }>(
        `${path}${path.includes('?') ? '&' : '?'}limit=${PAGE_SIZE}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      items.push(...page.results);
      after = page.paging?.next?.after;
    } while (after);
    return items;
  };

  return {
    /** Objects modified after `since` (ms), oldest first. */
    modifiedAfter(object: 'contacts' | 'deals', modifiedProperty: string, since: string, properties: string[]) {
      return search(object, [{ propertyName: modifiedProperty, operator: 'GT', value: since }], modifiedProperty, properties);
    },
    /** Objects modified exactly at `at` (ms) with an id above `afterId`, by id: paging through a tie. */
    modifiedAtAfterId(object: 'contacts' | 'deals', modifiedProperty: string, at: string, afterId: string, properties: string[]) {
      return search(
        object,
        [
          { propertyName: modifiedProperty, operator: 'EQ', value: at },
          { propertyName: 'hs_object_id', operator: 'GT', value: afterId },
        ],
        'hs_object_id',
        properties,
      );
    },
    /** Active and archived owners: records keep the owner who left, whose email may still be on the roster. */
    owners: async () => [...(await listAll<HubspotOwner>('/crm/v3/owners?archived=false')), ...(await listAll<HubspotOwner>('/crm/v3/owners?archived=true'))],
    dealPipelines: async () => (await request<{ results: HubspotPipeline[] }>('/crm/v3/pipelines/deals')).results,
    /** deal id → the contact ids it is associated with. */
    async dealContacts(dealIds: string[]): Promise<Map<string, string[]>> {
      const associations = new Map<string, string[]>();
      if (!dealIds.length) return associations;
      const result = await request<{ results: Array<{ from: { id: string }; to: Array<{ toObjectId: string | number }> }> }>(
        '/crm/v4/associations/deals/contacts/batch/read',
        { method: 'POST', body: JSON.stringify({ inputs: dealIds.map((id) => ({ id })) }) },
      );
      for (const row of result.results) associations.set(String(row.from.id), row.to.map((to) => String(to.toObjectId)));
      return associations;
    },
  };
}

export type HubspotClient = ReturnType<typeof createHubspotClient>;
