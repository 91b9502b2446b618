import type { SharedLimits } from '../limits/shared-limits.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { DirectoryStore } from '../storage/storage.ts';
import type { User } from '../storage/types.ts';
import { dummyPasswordHash, verifyPassword } from '../users/password.ts';
import { HashQueueFull, type ScryptPool } from '../users/scrypt-pool.ts';
import { addressKey } from './address-key.ts';
import { LoginThrottle, type LoginThrottleConfig } from './login-throttle.ts';
import { SharedSignInBuckets } from './shared-login-throttle.ts';

/** What a password sign-in came to; the page turns each into its answer. */
export type SignInOutcome =
  | { kind: 'signed-in'; user: User }
  /** Wrong e-mail or password: one answer for both. */
  | { kind: 'invalid' }
  /** Too many attempts (the rate, or too many at once): 429 with Retry-After. */
  | { kind: 'throttled'; reason: 'rate' | 'in-flight'; retryAfter: number }
  /** Every scrypt thread is busy and the queue is full: 503 with Retry-After. */
  | { kind: 'busy'; retryAfter: number };

// Beyond these the input cannot be an account's; it is still hashed (the same time, the same
// count), but as a fixed string, so a megabyte of "password" never goes to the worker.
const MAX_EMAIL = 254;
const MAX_PASSWORD = 1024;

/**
 * Signs a person in with e-mail and password. In order: the throttle admits the attempt and
 * takes its tokens (synchronously, before anything is awaited, so parallel attempts cannot all
 * slip past one check), per account and per client address (an IPv6 one by its /64, see
 * address-key.ts); the user is looked up; the password is hashed in the address's turn on
 * the scrypt pool, against a dummy hash when there is no such user or no password, so time and
 * throttling are the same whether or not the account exists; the attempt is settled.
 */
export class PasswordSignIn {
  private readonly throttle: LoginThrottle;
  private readonly metrics: Metrics | undefined;

  constructor(
    private readonly storage: Pick<DirectoryStore, 'getUserByEmail'>,
    private readonly pool: ScryptPool,
    throttle: LoginThrottleConfig,
    opts: {
      /** Counts refused attempts; absent when metrics are off. */
      metrics?: Metrics | undefined;
      /** With REDIS_URL: the throttle's buckets are shared by every node. */
      shared?: SharedLimits | undefined;
    } = {},
  ) {
    this.metrics = opts.metrics;
    this.throttle = new LoginThrottle(
      throttle,
      opts.shared === undefined ? undefined : new SharedSignInBuckets(opts.shared, throttle),
    );
  }

  /**
   * Forgets the account's failed sign-ins: its password was just reset through a link sent to
   * its address, so the guesses counted against the old one no longer keep its owner out.
   */
  forgetFailures(email: string): void {
    this.throttle.forgetAccount(email.slice(0, MAX_EMAIL));
  }

  async attempt(email: string, password: string, ip: string): Promise<SignInOutcome> {
    const address = addressKey(ip);
    // No account's e-mail is longer: a longer one is counted under its first 254 characters, so a
    // megabyte-long "e-mail" cannot become a megabyte-long key in the throttle's memory.
    let attempt = this.throttle.admit(email.slice(0, MAX_EMAIL), address);
    // A promise only when the throttle is shared through Redis.
    if (attempt instanceof Promise) attempt = await attempt;
    if (attempt.refused) {
      this.metrics?.rateLimited(attempt.refused === 'rate' ? 'sign_in' : 'sign_in_in_flight');
      return { kind: 'throttled', reason: attempt.refused, retryAfter: attempt.retryAfter };
    }
    let settled = false;
    try {
      const plausible = email.length <= MAX_EMAIL && password.length <= MAX_PASSWORD;
      const user = plausible ? await this.storage.getUserByEmail(email) : undefined;
      const stored = user?.passwordHash ?? dummyPasswordHash();
      const ok = await verifyPassword(plausible ? password : 'x', stored, (pw, salt, keylen, params) =>
        this.pool.hash(address, pw, salt, keylen, params),
      );
      settled = true;
      // A disabled user gets the answer a wrong password gets: nothing to probe.
      if (user?.passwordHash && ok && user.disabledAt === null) {
        attempt.succeeded();
        return { kind: 'signed-in', user };
      }
      attempt.failed();
      return { kind: 'invalid' };
    } catch (err) {
      if (!settled) attempt.abandoned();
      if (err instanceof HashQueueFull) return { kind: 'busy', retryAfter: err.retryAfterSeconds };
      throw err;
    }
  }
}
