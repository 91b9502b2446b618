import { Lru } from '@gatehouse/cache';
import type { RateLimitConfig } from '../config/index.ts';
import { TooManyRequestsError } from '../errors.ts';
import type { Metrics, RateLimitBucket } from '../metrics/metrics.ts';
import type { ClientAuthAttempt, ClientAuthLimits } from '../oauth/client-auth/limits.ts';
import {
  ClientAuthThrottle,
  type ClientAuthThrottleConfig,
  DEFAULT_CLIENT_AUTH_THROTTLE,
} from './client-auth-throttle.ts';

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
    /** Up to this many buckets; the half seen last are always kept (Lru in @gatehouse/cache). */
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
 * What the routes hold: the address's bucket, checked first, and the brakes around client
 * authentication. In memory ({@link TokenEndpointLimiter}) every check answers synchronously;
 * shared through Redis (shared-rate-limit.ts) it answers with a promise, and only then does
 * the route await it.
 */
export interface EndpointLimiter extends ClientAuthLimits {
  /** Throws (or rejects with) TooManyRequestsError when the address's bucket is empty. */
  checkAddress(ip: string): void | Promise<void>;
}

export interface LimiterOptions {
  /** Counts each refusal by bucket; absent when metrics are off. */
  metrics?: Metrics | undefined;
  /** The bucket the address check counts as: `token_address` unless said. */
  addressBucket?: RateLimitBucket;
}

export const ADDRESS_REFUSED = 'too many token requests from this address';
export const CLIENT_REFUSED = 'too many token requests for this client';

/**
 * The limits of the token, revocation and introspection endpoints: a volume bucket per
 * address, taken before anything else; failure budgets around client authentication
 * (ClientAuthThrottle); and a volume bucket per client_id, taken only once the client has
 * authenticated, so a stranger who knows a client_id cannot spend that client's allowance.
 */
export class TokenEndpointLimiter implements EndpointLimiter {
  private readonly perClient: TokenBuckets;
  private readonly perIp: TokenBuckets;
  private readonly failures: ClientAuthThrottle;
  private readonly metrics: Metrics | undefined;
  private readonly addressBucket: RateLimitBucket;

  constructor(
    config: RateLimitConfig,
    failures: ClientAuthThrottleConfig = DEFAULT_CLIENT_AUTH_THROTTLE,
    opts: LimiterOptions = {},
  ) {
    this.perClient = new TokenBuckets(config.perClient.perSecond, config.perClient.burst);
    this.perIp = new TokenBuckets(config.perIp.perSecond, config.perIp.burst);
    this.failures = new ClientAuthThrottle(failures, opts.metrics);
    this.metrics = opts.metrics;
    this.addressBucket = opts.addressBucket ?? 'token_address';
  }

  /** Throws TooManyRequestsError (429, Retry-After) when the address's bucket is empty. */
  checkAddress(ip: string, now = Date.now()): void {
    const wait = this.perIp.take(ip, now);
    if (wait > 0) {
      this.metrics?.rateLimited(this.addressBucket);
      throw new TooManyRequestsError(ADDRESS_REFUSED, wait);
    }
  }

  attempt(clientId: string | undefined, address: string): ClientAuthAttempt {
    return this.failures.attempt(clientId, address);
  }

  /** Throws TooManyRequestsError (429, Retry-After) when the client's bucket is empty. */
  authenticated(clientId: string, now = Date.now()): void {
    const wait = this.perClient.take(clientId, now);
    if (wait > 0) {
      this.metrics?.rateLimited('token_client');
      throw new TooManyRequestsError(CLIENT_REFUSED, wait);
    }
  }
}
