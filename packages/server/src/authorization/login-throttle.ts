import { Lru } from '../cache/lru.ts';

export interface LoginThrottleConfig {
  /** Failed sign-ins allowed per account before waiting, and how fast that allowance returns. */
  perAccount: { perSecond: number; burst: number };
  /** The same per client address, so one host cannot walk through many accounts. */
  perIp: { perSecond: number; burst: number };
}

/** 10 failures per account, then one more every 30 s; 30 per address, then one a second. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleConfig = {
  perAccount: { perSecond: 1 / 30, burst: 10 },
  perIp: { perSecond: 1, burst: 30 },
};

interface Bucket {
  tokens: number;
  at: number;
}

class FailureBuckets {
  /** Up to 200,000 buckets; the 100,000 keys seen last are always kept (cache/lru.ts). */
  private readonly buckets = new Lru<string, Bucket>(200_000);

  constructor(private readonly rate: { perSecond: number; burst: number }) {}

  private current(key: string, now: number): Bucket {
    const b = this.buckets.get(key) ?? { tokens: this.rate.burst, at: now };
    const elapsed = Math.max(0, now - b.at);
    return {
      tokens: Math.min(this.rate.burst, b.tokens + (elapsed / 1000) * this.rate.perSecond),
      at: Math.max(b.at, now),
    };
  }

  /** Seconds until another attempt is allowed (0 when one is allowed now). */
  wait(key: string, now: number): number {
    if (this.rate.perSecond <= 0) return 0;
    const b = this.current(key, now);
    return b.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / this.rate.perSecond));
  }

  fail(key: string, now: number): void {
    const b = this.current(key, now);
    this.buckets.set(key, { tokens: Math.max(0, b.tokens - 1), at: b.at });
  }

  clear(key: string): void {
    this.buckets.delete(key);
  }
}

/**
 * Slows password guessing (OWASP ASVS 5, V6.3): only failed sign-ins count, per account and
 * per client address, and the check runs before the password hash, so a flood also cannot
 * make the server burn scrypt time. A success clears the account's count. Held per node, like
 * the token endpoint's limits: N nodes allow N times the attempts.
 */
export class LoginThrottle {
  private readonly accounts: FailureBuckets;
  private readonly addresses: FailureBuckets;

  constructor(config: LoginThrottleConfig = DEFAULT_LOGIN_THROTTLE) {
    this.accounts = new FailureBuckets(config.perAccount);
    this.addresses = new FailureBuckets(config.perIp);
  }

  /** Seconds the caller must wait before trying this account from this address (0: go ahead). */
  wait(email: string, ip: string, now = Date.now()): number {
    return Math.max(this.accounts.wait(email.toLowerCase(), now), this.addresses.wait(ip, now));
  }

  failed(email: string, ip: string, now = Date.now()): void {
    this.accounts.fail(email.toLowerCase(), now);
    this.addresses.fail(ip, now);
  }

  succeeded(email: string): void {
    this.accounts.clear(email.toLowerCase());
  }
}
