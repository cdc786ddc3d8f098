import { UserError } from '../../../lib/user-error.ts';
import { AuthError, fetchWithRetry } from '../fetch-with-retry.ts';

/** A Zoho CRM record: field API names as keys; lookups (Owner, Contact_Name) are {name, id, email?}. */
export type ZohoRecord = Record<string, unknown> & { id: string; Modified_Time: string };

export interface ZohoPage {
  data: ZohoRecord[];
  more: boolean;
}

export interface ZohoCredentials {
  accountsUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export const PER_PAGE = 200;

/**
 * Zoho CRM v2 records with the OAuth refresh-token flow: an access token is fetched at start and
 * again once when the API says it expired; a refresh token Zoho refuses stops the pull.
 */
export function createZohoClient(credentials: ZohoCredentials, onRetry?: (reason: string, waitMs: number) => void) {
  let accessToken: string | undefined;
  const retry = { service: 'Zoho', onRetry };

  const refresh = async (): Promise<string> => {
    const form = new URLSearchParams({
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      grant_type: 'refresh_token',
    });
    const response = await fetchWithRetry(new URL('/oauth/v2/token', credentials.accountsUrl).toString(), { method: 'POST', body: form }, retry);
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string };
    // Zoho answers 200 with {"error": "invalid_code"} for a refresh token it does not accept.
    if (!response.ok || !body.access_token) {
      throw new AuthError(`Zoho refused the refresh token (${body.error ?? response.status}); check ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN`);
    }
    accessToken = body.access_token;
    return accessToken;
  };

  const get = async (path: string, headers: Record<string, string>): Promise<Response> => {
    const url = new URL(path, credentials.apiUrl).toString();
    const attempt = async (token: string) => fetchWithRetry(url, { headers: { ...headers, authorization: `Zoho-oauthtoken ${token}` } }, retry);
    try {
      return await attempt(accessToken ?? (await refresh()));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      return attempt(await refresh()); // the access token expired: one refresh, then give up
    }
  };

  return {
    /** One page of a module's records modified since `since`, oldest first. */
    async records(module: string, since: string, page: number, fields: string[]): Promise<ZohoPage> {
      const query = new URLSearchParams({ fields: fields.join(','), sort_by: 'Modified_Time', sort_order: 'asc', page: String(page), per_page: String(PER_PAGE) });
      const response = await get(`/crm/v2/${module}?${query}`, { 'If-Modified-Since': since });
      if (response.status === 204 || response.status === 304) return { data: [], more: false };
      if (!response.ok) throw new UserError(`Zoho answered ${response.status} for ${module}: ${(await response.text()).slice(0, 200)}`);
      const body = (await response.json()) as { data?: ZohoRecord[]; info?: { more_records?: boolean } };
      return { data: body.data ?? [], more: body.info?.more_records === true };
    },
  };
}

export type ZohoClient = ReturnType<typeof createZohoClient>;
