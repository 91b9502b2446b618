import { Lru } from '../cache/lru.ts';
import type { RateLimitConfig } from '../config/index.ts';
import { TooManyRequestsError } from '../errors.ts';
import type { BasicCredentials } from '../oauth/client-auth/basic-credentials.ts';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per key: `burst` requests at once, refilled at `perSecond`. Held in this
 * node's memory (bounded LRU), so N nodes allow N times the rate: a flood brake, not a
 * quota. A rate of 0 disables it.
 */
export class TokenBuckets {
  private readonly buckets: Lru<string, Bucket>;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    /** Up to this many buckets; the half seen last are always kept (cache/lru.ts). */
    maxKeys = 200_000,
  ) {
    this.buckets = new Lru(maxKeys);
  }

  /** Takes one token for `key`: 0 when allowed, else the whole seconds until one is free. */
  take(key: string, now = Date.now()): number {
    if (this.perSecond <= 0) return 0;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    }
    // Changed in place: get() has already made it the most recently used.
    // A clock stepping backwards (NTP, tests) must not drain the bucket.
    const elapsed = Math.max(0, now - b.at);
    b.tokens = Math.min(this.burst, b.tokens + (elapsed / 1000) * this.perSecond);
    b.at = Math.max(b.at, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }
}

/**
 * The token endpoint's limits: one bucket per client_id (as the request names it, before
 * authentication: it is a brake on volume, not a verdict on the client) and one per IP.
 */
export class TokenEndpointLimiter {
  private readonly perClient: TokenBuckets;
  private readonly perIp: TokenBuckets;

  constructor(config: RateLimitConfig) {
    this.perClient = new TokenBuckets(config.perClient.perSecond, config.perClient.burst);
    this.perIp = new TokenBuckets(config.perIp.perSecond, config.perIp.burst);
  }

  /** Throws TooManyRequestsError (429, Retry-After) when either bucket is empty. */
  check(clientId: string | undefined, ip: string, now = Date.now()): void {
    const ipWait = this.perIp.take(ip, now);
    if (ipWait > 0) throw new TooManyRequestsError('too many token requests from this address', ipWait);
    if (clientId === undefined) return;
    const clientWait = this.perClient.take(clientId, now);
    if (clientWait > 0) throw new TooManyRequestsError('too many token requests for this client', clientWait);
  }
}

/**
 * The client_id a token request names, as the rate limiter keys it: the Basic user name when
 * the header decodes, else the body's `client_id` (cut to 200 characters either way).
 */
export function clientIdHint(
  body: string | undefined,
  basic: BasicCredentials | undefined,
): string | undefined {
  return (basic?.ok ? basic.clientId : body)?.slice(0, 200);
}
