/** How long one delivery attempt may take, connection to last byte. */
const TIMEOUT_MS = 10_000;
const MAX_ERROR_CHARS = 200;

export interface PostOutcome {
  ok: boolean;
  httpStatus?: number;
  /** One line, never the URL or a header: either may hold a secret. */
  error?: string;
  /** False when trying again cannot help (the route is gone from the config). */
  retryable?: boolean;
}

/** POSTs a JSON body; 2xx is delivered. Never throws: a network error or timeout is an outcome. */
export async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<PostOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // Read to the end either way, which frees the connection; the receiver's words say why it refused.
    const answer = await response.text();
    if (response.ok) return { ok: true, httpStatus: response.status };
    const said = answer.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_CHARS);
    return { ok: false, httpStatus: response.status, error: said ? `HTTP ${response.status}: ${said}` : `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, error: describeFailure(error) };
  }
}

/** Names the failure by kind and code only: fetch's own messages can quote the URL. */
function describeFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  if (name === 'TimeoutError') return `timed out after ${TIMEOUT_MS / 1000} s`;
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return `network error (${typeof code === 'string' ? code : name})`;
}
