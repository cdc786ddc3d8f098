import formbody from 'node:querystring';
import Fastify from 'fastify';
import { misbehave, type Fault } from './fake-hubspot.ts';

/**
 * A local stand-in for Zoho CRM v2 and Zoho Accounts: the refresh-token grant (which answers 200
 * with {"error": "invalid_code"} for a bad token), module records with If-Modified-Since
 * (strictly after, the less forgiving reading), page/per_page, sort_by Modified_Time,
 * info.more_records, 204 when nothing changed, access tokens that expire, 429 on demand.
 */
export interface FakeZohoOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  modules: Record<string, Array<Record<string, unknown> & { id: string; Modified_Time: string }>>;
  /** Record requests a token serves before Zoho calls it expired (401 INVALID_TOKEN). */
  tokenLifetime?: number;
  /** Record requests (1-based) answered 429 with Retry-After: 1. */
  rateLimitedRequests?: number[];
  /** Called after each record request is answered, to change data between pages. */
  afterEachRequest?: (requestNumber: number) => void;
  /** A fault for this record request (1-based), or undefined to answer it (see fake-hubspot.ts). */
  faultForRequest?: (requestNumber: number) => Fault | undefined;
  /** Rewrites a page before it is sent (a page with duplicates, say). */
  mutatePage?: (data: Array<Record<string, unknown> & { id: string; Modified_Time: string }>, requestNumber: number) => Array<Record<string, unknown> & { id: string; Modified_Time: string }>;
}

export interface FakeZoho {
  url: string;
  tokensIssued: () => number;
  requests: Array<{ module: string; since: string | undefined; page: number }>;
  close(): Promise<void>;
}

export async function startFakeZoho(options: FakeZohoOptions): Promise<FakeZoho> {
  // Held requests must not keep close() waiting.
  const app = Fastify({ forceCloseConnections: true });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, formbody.parse(body as string)));
  const tokens = new Map<string, number>();
  const requests: FakeZoho['requests'] = [];
  let issued = 0;

  app.post<{ Body: Record<string, string>; Querystring: Record<string, string> }>('/oauth/v2/token', async (request) => {
    const form = { ...request.query, ...request.body };
    const valid =
      form.grant_type === 'refresh_token' &&
      form.refresh_token === options.refreshToken &&
      form.client_id === options.clientId &&
      form.client_secret === options.clientSecret;
    if (!valid) return { error: 'invalid_code' };
    issued += 1;
    const token = `1000.fake-access-${issued}`;
    tokens.set(token, 0);
    return { access_token: token, api_domain: 'https://www.zohoapis.in', token_type: 'Bearer', expires_in: 3600 };
  });

  app.get<{ Params: { module: string }; Querystring: { page?: string; per_page?: string; sort_by?: string } }>('/crm/v2/:module', async (request, reply) => {
    const token = /^Zoho-oauthtoken (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const used = tokens.get(token);
    if (used === undefined || (options.tokenLifetime !== undefined && used >= options.tokenLifetime)) {
      return reply.code(401).send({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    }
    tokens.set(token, used + 1);
    const since = request.headers['if-modified-since'] as string | undefined;
    const page = Number(request.query.page ?? 1);
    requests.push({ module: request.params.module, since, page });
    if (options.rateLimitedRequests?.includes(requests.length)) {
      return reply.code(429).header('retry-after', '1').send({ code: 'TOO_MANY_REQUESTS', status: 'error' });
    }
    const fault = options.faultForRequest?.(requests.length);
    if (fault !== undefined) return misbehave(reply, fault);
    const perPage = Math.min(Number(request.query.per_page ?? 200), 200);
    const all = (options.modules[request.params.module] ?? [])
      .filter((record) => since === undefined || Date.parse(record.Modified_Time) > Date.parse(since))
      .sort((a, b) => Date.parse(a.Modified_Time) - Date.parse(b.Modified_Time) || a.id.localeCompare(b.id));
    const slice = all.slice((page - 1) * perPage, page * perPage);
    // The page as it was when the request ran: an edit made after it does not reach into this answer.
    const data = (options.mutatePage ? options.mutatePage(slice, requests.length) : slice).map((record) => ({ ...record }));
    options.afterEachRequest?.(requests.length);
    if (!data.length) return reply.code(204).send();
    return { data, info: { per_page: perPage, count: data.length, page, more_records: page * perPage < all.length } };
  });

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, tokensIssued: () => issued, requests, close: () => app.close() };
}
