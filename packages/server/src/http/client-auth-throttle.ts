import { Lru } from '@gatehouse/cache';
import { TooManyRequestsError } from '../errors.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { ClientAuthAttempt } from '../oauth/client-auth/limits.ts';

export interface ClientAuthThrottleConfig {
  /** Failed client authentications allowed per (client_id, address), and how fast they return. */
  perClientAddress: { perSecond: number; burst: number };
  /** The same per address, across every client_id it names. */
  perIp: { perSecond: number; burst: number };
}

/**
 * 10 failures per client_id and address, then one more every 5 s: a guesser gets ~17,000
 * guesses a day at a 256-bit secret. 100 per address, then one a second, so a host that
 * walks through many client_ids is held too, while a partner that mistyped a few secrets
 * behind one NAT is not.
 */
export const DEFAULT_CLIENT_AUTH_THROTTLE: ClientAuthThrottleConfig = {
  perClientAddress: { perSecond: 1 / 5, burst: 10 },
  perIp: { perSecond: 1, burst: 100 },
};

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets that only failures drain (an attempt is taken, then given back on success). */
class FailureBuckets {
  /** Up to 200,000 buckets; the 100,000 keys touched last are always kept (Lru in @gatehouse/cache). */
  private readonly buckets = new Lru<string, Bucket>(200_000);

  constructor(readonly rate: { perSecond: number; burst: number }) {}

  /** The key's bucket, refilled up to now (created full on first sight). */
  current(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.rate.burst, at: now };
      this.buckets.set(key, b);
      return b;
    }
    // A clock stepping backwards (NTP, tests) must not drain the bucket.
    const elapsed = Math.max(0, now - b.at);
    b.tokens = Math.min(this.rate.burst, b.tokens + (elapsed / 1000) * this.rate.perSecond);
    b.at = Math.max(b.at, now);
    return b;
  }

  /** Seconds until `b` holds a whole attempt again. */
  wait(b: Bucket): number {
    return Math.max(1, Math.ceil((1 - b.tokens) / this.rate.perSecond));
  }

  giveBack(b: Bucket): void {
    b.tokens = Math.min(this.rate.burst, b.tokens + 1);
  }
}

/**
 * One attempt taken from the budgets: it holds the buckets it drew from, so settling it is no
 * second lookup (this runs on every token request). A bucket the cache has dropped since is
 * given back to harmlessly: nobody reads it again.
 */
class Attempt implements ClientAuthAttempt {
  constructor(
    private readonly throttle: ClientAuthThrottle,
    private readonly address: Bucket | undefined,
    private readonly pair: Bucket | undefined,
  ) {}

  settle(failed: boolean): void {
    if (!failed) this.throttle.giveBack(this.address, this.pair);
  }
}

/**
 * Slows the guessing of client secrets at the token, revocation and introspection endpoints.
 * Only failed authentications count, per (client_id, address) and per address; an attempt is
 * taken before the secret is hashed and compared and given back when it succeeds, so the
 * budget holds under parallel requests and a spent budget answers 429 without any work.
 * Keyed per address, a stranger cannot lock a client out from the client's own addresses.
 * Held in this node's memory, like the other limits: N nodes allow N times the guesses.
 * RFC 6749 2.3.1: the server "MUST protect any endpoint utilizing it against brute force
 * attacks".
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export class ClientAuthThrottle {
  private readonly pairs: FailureBuckets | undefined;
  private readonly addresses: FailureBuckets | undefined;

  constructor(
    config: ClientAuthThrottleConfig = DEFAULT_CLIENT_AUTH_THROTTLE,
    private readonly metrics?: Metrics,
  ) {
    // A rate of 0 turns a budget off.
    if (config.perClientAddress.perSecond > 0) this.pairs = new FailureBuckets(config.perClientAddress);
    if (config.perIp.perSecond > 0) this.addresses = new FailureBuckets(config.perIp);
  }

  /** Takes an attempt from both budgets, or throws TooManyRequestsError and takes none. */
  attempt(clientId: string | undefined, address: string, now = Date.now()): ClientAuthAttempt {
    const a = this.addresses?.current(address, now);
    // A spent address is refused before any per-client bucket is made for what it names.
    if (a !== undefined && a.tokens < 1) {
      this.metrics?.rateLimited('client_auth_failures_address');
      throw new TooManyRequestsError(ADDRESS_FAILURES, (this.addresses as FailureBuckets).wait(a));
    }
    const p = clientId === undefined ? undefined : this.pairs?.current(pairOf(clientId, address), now);
    if (p !== undefined && p.tokens < 1) {
      this.metrics?.rateLimited('client_auth_failures_client');
      throw new TooManyRequestsError(CLIENT_FAILURES, (this.pairs as FailureBuckets).wait(p));
    }
    if (a !== undefined) a.tokens -= 1;
    if (p !== undefined) p.tokens -= 1;
    return new Attempt(this, a, p);
  }

  /** Returns an attempt that did not fail (Attempt.settle). */
  giveBack(address: Bucket | undefined, pair: Bucket | undefined): void {
    if (address !== undefined) this.addresses?.giveBack(address);
    if (pair !== undefined) this.pairs?.giveBack(pair);
  }
}

export const ADDRESS_FAILURES = 'too many failed client authentications from this address';
export const CLIENT_FAILURES = 'too many failed authentications for this client from this address';

/** Addresses hold no space, so the first space splits the key unambiguously. */
export function pairOf(clientId: string, address: string): string {
  return `${address} ${clientId}`;
}
