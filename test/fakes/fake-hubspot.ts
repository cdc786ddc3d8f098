import Fastify, { type FastifyReply } from 'fastify';

/**
 * A local stand-in for the HubSpot CRM API with the documented shapes: v3 search (filterGroups,
 * sorts, string property values, `after` paging, the 10,000-result cap), owners with paging,
 * deal pipelines, v4 batch associations, bearer tokens, 429 with Retry-After and 5xx on demand.
 */
export interface FakeObject {
  id: string;
  properties: Record<string, string | null>;
}

export interface FakeHubspotOptions {
  token: string;
  contacts: FakeObject[];
  deals: FakeObject[];
  owners: Array<{ id: string; email: string; archived?: boolean }>;
  pipelines: Array<{ id: string; label: string; stages: Array<{ id: string; label: string; metadata: { isClosed: string } }> }>;
  /** deal id → contact ids */
  associations: Record<string, string[]>;
  /** Search calls (1-based) answered 429 with Retry-After: 1. */
  rateLimitedSearches?: number[];
  /** At this search call an outage starts: every request fails with 503 until `recover()`. */
  outageFromSearch?: number;
  /** Called after each search is answered, to change data between pages. */
  afterEachSearch?: (searchNumber: number) => void;
  /** A fault for this search call (1-based), or undefined to answer it: see `Fault`. */
  faultForSearch?: (searchNumber: number) => Fault | undefined;
  /** Rewrites a page before it is sent (a page with duplicates, say). */
  mutatePage?: (results: FakeObject[], searchNumber: number) => FakeObject[];
}

/**
 * What a misbehaving API does to one request: `hang` never answers; `hang-body` sends the headers
 * and part of the body, then stalls; a number answers that status (429 with Retry-After: 1).
 */
export type Fault = 'hang' | 'hang-body' | number;

export interface FakeHubspot {
  url: string;
  searches: Array<{ object: string; since: string; operator: string; after: string | null }>;
  recover(): void;
  close(): Promise<void>;
}

const SEARCH_CAP = 10_000;

export async function startFakeHubspot(options: FakeHubspotOptions): Promise<FakeHubspot> {
  // Held requests must not keep close() waiting.
  const app = Fastify({ forceCloseConnections: true });
  const searches: FakeHubspot['searches'] = [];
  let searchCount = 0;
  let down = false;

  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      return reply.code(401).send({ status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' });
    }
    if (down) return reply.code(503).send({ status: 'error', message: 'Service unavailable' });
  });

  app.post<{ Params: { object: string }; Body: SearchBody }>('/crm/v3/objects/:object/search', async (request, reply) => {
    searchCount += 1;
    if (searchCount === options.outageFromSearch) {
      down = true;
      return reply.code(503).send({ status: 'error', message: 'Service unavailable' });
    }
    if (options.rateLimitedSearches?.includes(searchCount)) {
      return reply.code(429).header('retry-after', '1').send({ status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT' });
    }
    const fault = options.faultForSearch?.(searchCount);
    if (fault !== undefined) return misbehave(reply, fault);
    const { filterGroups, sorts, limit = 10, after } = request.body;
    if (sorts.length > 1) return reply.code(400).send({ status: 'error', message: 'Only one sort is supported.', category: 'VALIDATION_ERROR' });
    const filters = filterGroups[0]!.filters;
    const sortBy = sorts[0]!.propertyName;
    const modified = filters.find((filter) => filter.propertyName !== 'hs_object_id')!;
    searches.push({ object: request.params.object, since: modified.value, operator: modified.operator, after: after ?? null });
    const valueOf = (object: FakeObject, property: string): number =>
      property === 'hs_object_id' ? Number(object.id) : toMs(object.properties[property] ?? '');
    const matches = (object: FakeObject) =>
      filters.every((filter) => {
        const left = valueOf(object, filter.propertyName);
        const right = toMs(filter.value);
        return { GT: left > right, GTE: left >= right, EQ: left === right, LT: left < right, LTE: left <= right }[filter.operator] ?? false;
      });
    // HubSpot does not order records within a tie of the sort property: here, newest id first.
    const pool = (request.params.object === 'contacts' ? options.contacts : options.deals)
      .filter(matches)
      .sort((a, b) => valueOf(a, sortBy) - valueOf(b, sortBy) || Number(b.id) - Number(a.id));
    const offset = Number(after ?? 0);
    if (offset + Math.min(limit, 200) > SEARCH_CAP) {
      return reply.code(400).send({ status: 'error', message: 'There was a problem with the request.', category: 'VALIDATION_ERROR' });
    }
    const page = pool.slice(offset, offset + Math.min(limit, 200));
    const results = options.mutatePage ? options.mutatePage(page, searchCount) : page;
    const next = offset + page.length < pool.length ? { next: { after: String(offset + page.length) } } : undefined;
    // The page as it was when the search ran: an edit made after it does not reach into this answer.
    const answer = { total: pool.length, results: results.map((object) => ({ ...object, properties: { ...object.properties }, archived: false })), ...(next ? { paging: next } : {}) };
    if (options.afterEachSearch) options.afterEachSearch(searchCount);
    return answer;
  });

  app.get<{ Querystring: { limit?: string; after?: string; archived?: string } }>('/crm/v3/owners', async (request) => {
    const limit = Number(request.query.limit ?? 100);
    const offset = Number(request.query.after ?? 0);
    const archived = request.query.archived === 'true';
    const owners = options.owners.filter((owner) => Boolean(owner.archived) === archived);
    const results = owners.slice(offset, offset + limit).map((owner) => ({ ...owner, type: 'PERSON', firstName: owner.email.split('@')[0], archived }));
    return { results, ...(offset + limit < owners.length ? { paging: { next: { after: String(offset + limit) } } } : {}) };
  });

  app.get('/crm/v3/pipelines/deals', async () => ({ results: options.pipelines }));

  app.post<{ Body: { inputs: Array<{ id: string }> } }>('/crm/v4/associations/deals/contacts/batch/read', async (request) => ({
    status: 'COMPLETE',
    results: request.body.inputs
      .filter((input) => options.associations[input.id])
      .map((input) => ({
        from: { id: input.id },
        to: options.associations[input.id]!.map((id) => ({ toObjectId: Number(id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }] })),
      })),
  }));

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, searches, recover: () => (down = false), close: () => app.close() };
}

/** Answers a request the way `fault` says; shared with the fake Zoho. */
export function misbehave(reply: FastifyReply, fault: Fault): Promise<never> | FastifyReply {
  if (fault === 'hang') return new Promise<never>(() => undefined);
  if (fault === 'hang-body') {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'application/json' });
    reply.raw.write('{"total": 1, "results": [');
    return new Promise<never>(() => undefined);
  }
  if (fault === 429) return reply.code(429).header('retry-after', '1').send({ status: 'error', message: 'Too many requests', errorType: 'RATE_LIMIT' });
  return reply.code(fault).send({ status: 'error', message: `fault ${fault}` });
}

interface SearchBody {
  filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value: string }> }>;
  sorts: Array<{ propertyName: string; direction: string }>;
  limit?: number;
  after?: string;
}

function toMs(value: string): number {
  return /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
}
