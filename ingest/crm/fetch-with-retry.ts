import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../lib/user-error.ts';

export interface RetryOptions {
  /** Which service, for messages: "HubSpot", "Zoho". */
  service: string;
  attempts?: number;
  timeoutMs?: number;
  /** Longest wait between attempts, whatever Retry-After says. */
  maxWaitMs?: number;
  onRetry?: (reason: string, waitMs: number) => void;
}

/** The service refused the credentials: retrying cannot help, the user must fix them. */
export class AuthError extends UserError {}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * fetch with the retries a CRM API needs: 429 and 5xx are retried with exponential backoff,
 * honouring Retry-After (seconds or an HTTP date); timeouts and dropped connections too. 401 and
 * 403 throw AuthError at once. Any other status is returned for the caller to judge.
 */
export async function fetchWithRetry(url: string, init: RequestInit, options: RetryOptions): Promise<Response> {
  const attempts = options.attempts ?? 6;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  for (let attempt = 1; ; attempt += 1) {
    let reason: string;
    let waitMs = Math.min(maxWaitMs, backoffBaseMs() * 2 ** (attempt - 1));
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? timeoutMs()) });
      if (response.status === 401 || response.status === 403) {
        const body = await response.text();
        throw new AuthError(`${options.service} refused the credentials (${response.status}): ${body.slice(0, 200)}`);
      }
      if (!RETRYABLE.has(response.status)) {
        // The body is read here, under the same timeout and retries: a response that stalled or
        // broke off halfway used to escape them and stop the pull as an internal error.
        const body = await response.arrayBuffer();
        const empty = response.status === 204 || response.status === 304;
        return new Response(empty ? null : body, { status: response.status, statusText: response.statusText, headers: response.headers });
      }
      reason = `${response.status} ${response.statusText}`.trim();
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      if (retryAfter !== undefined) waitMs = Math.min(maxWaitMs, retryAfter);
      await response.arrayBuffer();
    } catch (error) {
      if (error instanceof AuthError) throw error;
      reason = (error as Error).name === 'TimeoutError' ? 'timed out' : `connection failed (${(error as Error).message})`;
    }
    if (attempt >= attempts) {
      throw new UserError(`${options.service} did not answer after ${attempts} attempts: ${reason}; the next pull resumes where this one stopped`);
    }
    options.onRetry?.(reason, waitMs);
    await sleep(waitMs);
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** How long one request may take; REPLYWATCH_CRM_TIMEOUT_MS shortens it (the test suite's fake CRMs hang on purpose). */
function timeoutMs(): number {
  const timeout = Number(process.env.REPLYWATCH_CRM_TIMEOUT_MS);
  return Number.isFinite(timeout) && timeout > 0 ? timeout : 30_000;
}

/** First backoff step; REPLYWATCH_RETRY_BASE_MS shortens it (the test suite's fake CRMs fail on purpose). */
function backoffBaseMs(): number {
  const base = Number(process.env.REPLYWATCH_RETRY_BASE_MS);
  return Number.isFinite(base) && base > 0 ? base : 500;
}
