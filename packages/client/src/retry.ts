/**
 * How token-endpoint and metadata requests are retried: exponential backoff with jitter,
 * Retry-After honoured, a bounded number of attempts. A 400 or 401 is an answer, never
 * retried: repeating a rejected grant or wrong credentials cannot succeed.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 4; 1 turns retrying off. */
  maxAttempts?: number;
  /** The first backoff step in ms, doubled per attempt. Default 250. */
  baseDelayMs?: number;
  /** The ceiling of one backoff step in ms. Default 8000. */
  maxDelayMs?: number;
  /** The longest Retry-After waited for; a longer one fails at once. Default 60000. */
  maxRetryAfterMs?: number;
  /** Per-attempt timeout in ms. Default 10000. */
  timeoutMs?: number;
}

/**
 * Which failures a request may repeat. `idempotent` (client credentials, discovery): 429,
 * every 5xx and network errors. `once-only` (code exchange, refresh rotation, where the
 * server may have acted before failing, and a repeat is a replay that revokes): only 429
 * and 503, which say the request was not processed.
 */
export type RetryPolicy = 'idempotent' | 'once-only';

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 10_000,
};

/**
 * Retry-After as milliseconds from now: delay-seconds or an HTTP-date.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Equal jitter: half the exponential step fixed, half random, so retries never bunch at zero. */
export function backoffDelay(attempt: number, opts: Required<RetryOptions>, random = Math.random): number {
  const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return step / 2 + random() * (step / 2);
}

function retryableStatus(status: number, policy: RetryPolicy): boolean {
  if (status === 429 || status === 503) return true;
  return policy === 'idempotent' && status >= 500 && status <= 599;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends until an answer that is not retryable, or the attempts run out; returns the last
 * response (the caller turns it into an error). Network errors are rethrown when the
 * policy or the attempts forbid another try.
 */
export async function sendWithRetry(
  send: (signal: AbortSignal) => Promise<Response>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<Response> {
  const opts = { ...DEFAULT_RETRY, ...options };
  for (let attempt = 0; ; attempt++) {
    const last = attempt + 1 >= opts.maxAttempts;
    let res: Response;
    try {
      res = await send(AbortSignal.timeout(opts.timeoutMs));
    } catch (err) {
      if (last || policy !== 'idempotent') throw err;
      await sleep(backoffDelay(attempt, opts));
      continue;
    }
    if (last || !retryableStatus(res.status, policy)) return res;
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    if (retryAfter !== undefined && retryAfter > opts.maxRetryAfterMs) return res;
    await res.body?.cancel();
    // Honour Retry-After to the letter, then spread the herd by up to a tenth (at most 1 s).
    const delay =
      retryAfter !== undefined
        ? retryAfter + Math.random() * Math.min(1000, retryAfter / 10)
        : backoffDelay(attempt, opts);
    await sleep(delay);
  }
}
