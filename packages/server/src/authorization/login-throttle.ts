import { Lru } from '@gatehouse/cache';
import type { AttemptSettler, SharedSignInBuckets } from './shared-login-throttle.ts';

export interface LoginThrottleConfig {
  /** Failed sign-ins allowed per account before waiting, and how fast that allowance returns. */
  perAccount: { perSecond: number; burst: number };
  /** The same per client address, so one host cannot walk through many accounts. */
  perIp: { perSecond: number; burst: number };
  /**
   * Sign-ins being checked at once (their hash running or waiting) per account and per
   * address; one more is refused at once. Default {@link DEFAULT_LOGIN_IN_FLIGHT}.
   */
  inFlight?: { perAccount: number; perIp: number };
}

/** Two per account (a double-clicked button still signs in), four per address (a shared office). */
export const DEFAULT_LOGIN_IN_FLIGHT = { perAccount: 2, perIp: 4 };

/** 10 failures per account, then one more every 30 s; 30 per address, then one a second. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleConfig = {
  perAccount: { perSecond: 1 / 30, burst: 10 },
  perIp: { perSecond: 1, burst: 30 },
  inFlight: DEFAULT_LOGIN_IN_FLIGHT,
};

interface Bucket {
  tokens: number;
  at: number;
}

class AttemptBuckets {
  /** Up to 200,000 buckets; the 100,000 keys seen last are always kept (Lru in @gatehouse/cache). */
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

  take(key: string, now: number): void {
    if (this.rate.perSecond <= 0) return;
    const b = this.current(key, now);
    this.buckets.set(key, { tokens: Math.max(0, b.tokens - 1), at: b.at });
  }

  refund(key: string, now: number): void {
    if (this.rate.perSecond <= 0) return;
    const b = this.current(key, now);
    this.buckets.set(key, { tokens: Math.min(this.rate.burst, b.tokens + 1), at: b.at });
  }

  clear(key: string): void {
    this.buckets.delete(key);
  }
}

/** Counts per key of what is in progress; a key leaves the map when its count drops to 0. */
class InFlight {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  full(key: string): boolean {
    return (this.counts.get(key) ?? 0) >= this.limit;
  }

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  remove(key: string): void {
    const n = (this.counts.get(key) ?? 0) - 1;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }
}

/** Why an attempt was refused before any work: over the rate, or too many checks at once. */
export interface LoginRefusal {
  refused: 'rate' | 'in-flight';
  /** Seconds to wait (Retry-After). */
  retryAfter: number;
}

/** One admitted attempt: its tokens are taken; say how it ended, exactly once. */
export interface LoginAttempt {
  refused?: undefined;
  /** Wrong password or unknown account: the tokens stay spent. */
  failed(): void;
  /** Right password: both tokens come back and the account's failures are forgotten. */
  succeeded(now?: number): void;
  /** The password was never checked (the hash queue was full, the hash failed): tokens come back. */
  abandoned(now?: number): void;
}

/**
 * Slows password guessing (OWASP ASVS 5, V6.3) per account and per client address. An
 * attempt takes a token from both buckets before the password hash runs, so N parallel
 * attempts can pass only as many as the buckets hold; a success gives the tokens back and
 * clears the account's count, so only failures are counted in the end. Attempts in progress
 * are capped per account and per address too: beyond the cap one is refused at once and
 * spends no hash. In memory (the default) `begin` answers synchronously and the buckets are
 * per node; with REDIS_URL the buckets are shared by every node (SharedSignInBuckets) and
 * `begin` answers with a promise, while the in-flight caps, which bound one node's hashing,
 * stay per node and are taken before Redis is asked.
 */
export class LoginThrottle {
  private readonly accounts: AttemptBuckets;
  private readonly addresses: AttemptBuckets;
  private readonly accountsInFlight: InFlight;
  private readonly addressesInFlight: InFlight;
  /** The node's own buckets settle what they admitted. */
  private readonly local: AttemptSettler = {
    succeeded: (account, address, at) => {
      this.accounts.clear(account);
      this.addresses.refund(address, at);
    },
    abandoned: (account, address, at) => {
      this.accounts.refund(account, at);
      this.addresses.refund(address, at);
    },
  };

  constructor(
    config: LoginThrottleConfig = DEFAULT_LOGIN_THROTTLE,
    private readonly shared?: SharedSignInBuckets,
  ) {
    this.accounts = new AttemptBuckets(config.perAccount);
    this.addresses = new AttemptBuckets(config.perIp);
    const inFlight = config.inFlight ?? DEFAULT_LOGIN_IN_FLIGHT;
    this.accountsInFlight = new InFlight(inFlight.perAccount);
    this.addressesInFlight = new InFlight(inFlight.perIp);
  }

  /** Seconds the caller must wait before trying this account from this address (0: go ahead). */
  wait(email: string, ip: string, now = Date.now()): number {
    return Math.max(this.accounts.wait(email.toLowerCase(), now), this.addresses.wait(ip, now));
  }

  /**
   * Admits an attempt and takes its tokens from the node's own buckets, or refuses it.
   * Synchronous: call before anything is awaited.
   */
  begin(email: string, ip: string, now = Date.now()): LoginAttempt | LoginRefusal {
    const account = email.toLowerCase();
    if (this.accountsInFlight.full(account) || this.addressesInFlight.full(ip))
      return { refused: 'in-flight', retryAfter: 1 };
    const wait = this.takeLocal(account, ip, now);
    if (wait > 0) return { refused: 'rate', retryAfter: wait };
    this.enter(account, ip);
    return this.admitted(account, ip, this.local);
  }

  /**
   * `begin`, with the buckets shared through Redis when they are: then the in-flight places
   * are held at once (call before anything is awaited) and the answer is a promise. Without
   * Redis this is `begin` itself, synchronous.
   */
  admit(
    email: string,
    ip: string,
    now = Date.now(),
  ): LoginAttempt | LoginRefusal | Promise<LoginAttempt | LoginRefusal> {
    if (this.shared === undefined) return this.begin(email, ip, now);
    const account = email.toLowerCase();
    if (this.accountsInFlight.full(account) || this.addressesInFlight.full(ip))
      return { refused: 'in-flight', retryAfter: 1 };
    this.enter(account, ip);
    const shared = this.shared;
    return shared.limits
      .decide(
        async () => ({ wait: await shared.take(account, ip), settler: shared as AttemptSettler }),
        () => ({ wait: this.takeLocal(account, ip, now), settler: this.local }),
      )
      .then(
        ({ wait, settler }): LoginAttempt | LoginRefusal => {
          if (wait === 0) return this.admitted(account, ip, settler);
          this.leave(account, ip);
          return { refused: 'rate', retryAfter: wait };
        },
        (err) => {
          this.leave(account, ip);
          throw err;
        },
      );
  }

  /** Forgets the account's failures, here and in Redis (its password was just reset). */
  forgetAccount(email: string): void {
    const account = email.toLowerCase();
    this.accounts.clear(account);
    this.shared?.forget(account);
  }

  /** Takes from the node's own buckets: 0 when both had a token, else the wait (nothing taken). */
  private takeLocal(account: string, ip: string, now: number): number {
    const wait = this.wait(account, ip, now);
    if (wait > 0) return wait;
    this.accounts.take(account, now);
    this.addresses.take(ip, now);
    return 0;
  }

  private enter(account: string, ip: string): void {
    this.accountsInFlight.add(account);
    this.addressesInFlight.add(ip);
  }

  private leave(account: string, ip: string): void {
    this.accountsInFlight.remove(account);
    this.addressesInFlight.remove(ip);
  }

  private admitted(account: string, ip: string, settler: AttemptSettler): LoginAttempt {
    let open = true;
    const end = (): boolean => {
      if (!open) return false;
      open = false;
      this.leave(account, ip);
      return true;
    };
    return {
      failed: () => {
        end();
      },
      succeeded: (at = Date.now()) => {
        if (end()) settler.succeeded(account, ip, at);
      },
      abandoned: (at = Date.now()) => {
        if (end()) settler.abandoned(account, ip, at);
      },
    };
  }
}
