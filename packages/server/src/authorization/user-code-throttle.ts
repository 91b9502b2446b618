import { Lru } from '@gatehouse/cache';
import type { Rate, SharedBuckets, SharedLimits } from '../limits/shared-limits.ts';
import { addressKey } from './address-key.ts';

/** How many user-code entries fail before the verification page makes a person wait. */
export interface UserCodeThrottleConfig {
  /** Per browser session: 5 wrong codes, then one more a minute. */
  perSession: Rate;
  /** Per client address (an IPv6 /64): 20 wrong codes, then one more every 30 s. */
  perAddress: Rate;
}

export const DEFAULT_USER_CODE_THROTTLE: UserCodeThrottleConfig = {
  perSession: { perSecond: 1 / 60, burst: 5 },
  perAddress: { perSecond: 1 / 30, burst: 20 },
};

interface Bucket {
  tokens: number;
  at: number;
}

/** A refilling bucket per key, in this node's memory (bounded LRU). */
class Buckets {
  private readonly buckets = new Lru<string, Bucket>(100_000);

  constructor(private readonly rate: Rate) {}

  /** Takes one: 0 when allowed, else the seconds until one is free (nothing taken). */
  take(key: string, now: number): number {
    if (this.rate.perSecond <= 0) return 0;
    const b = this.buckets.get(key) ?? { tokens: this.rate.burst, at: now };
    const tokens = Math.min(
      this.rate.burst,
      b.tokens + (Math.max(0, now - b.at) / 1000) * this.rate.perSecond,
    );
    if (tokens < 1) return Math.max(1, Math.ceil((1 - tokens) / this.rate.perSecond));
    this.buckets.set(key, { tokens: tokens - 1, at: Math.max(b.at, now) });
    return 0;
  }

  giveBack(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.rate.burst, b.tokens + 1);
  }
}

/**
 * The guessing brake of the device verification page (RFC 8628 5.1): an entry takes one
 * from the session's bucket and the address's before the code is looked up (so parallel
 * guesses are counted), and a code that was right gives them back. Only wrong codes wear the
 * allowance down. With REDIS_URL the buckets are shared by every node; when Redis does not
 * answer, this node's own buckets decide.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-5.1
 */
export class UserCodeThrottle {
  private readonly sessions: Buckets;
  private readonly addresses: Buckets;
  private readonly shared: { sessions: SharedBuckets; addresses: SharedBuckets } | undefined;

  constructor(
    private readonly config: UserCodeThrottleConfig = DEFAULT_USER_CODE_THROTTLE,
    limits?: SharedLimits,
  ) {
    this.sessions = new Buckets(config.perSession);
    this.addresses = new Buckets(config.perAddress);
    this.shared = limits && {
      sessions: limits.buckets('user_code_session', config.perSession),
      addresses: limits.buckets('user_code_address', config.perAddress),
    };
  }

  /** One entry of a code: 0 when it may be checked, else the seconds to wait. */
  async take(sessionHash: string, ip: string, now = Date.now()): Promise<number> {
    const address = addressKey(ip);
    if (this.shared) {
      try {
        const forSession = await this.shared.sessions.take(sessionHash);
        if (forSession > 0) return forSession;
        const forAddress = await this.shared.addresses.take(address);
        if (forAddress > 0) this.shared.sessions.giveBack(sessionHash);
        return forAddress;
      } catch {
        // Redis did not answer: this node's buckets decide.
      }
    }
    const forSession = this.sessions.take(sessionHash, now);
    if (forSession > 0) return forSession;
    const forAddress = this.addresses.take(address, now);
    if (forAddress > 0) this.sessions.giveBack(sessionHash);
    return forAddress;
  }

  /** The code was right: the entry does not count. */
  succeeded(sessionHash: string, ip: string): void {
    const address = addressKey(ip);
    this.sessions.giveBack(sessionHash);
    this.addresses.giveBack(address);
    this.shared?.sessions.giveBack(sessionHash);
    this.shared?.addresses.giveBack(address);
  }

  get limits(): UserCodeThrottleConfig {
    return this.config;
  }
}
