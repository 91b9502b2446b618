import type { Rate, SharedBuckets, SharedLimits } from '../limits/shared-limits.ts';
import { sha256 } from '../util/hash.ts';

/** How an admitted attempt's tokens come back: `succeeded` clears the account, `abandoned` returns both. */
export interface AttemptSettler {
  succeeded(account: string, address: string, at: number): void;
  abandoned(account: string, address: string, at: number): void;
}

/**
 * The sign-in throttle's two buckets (per account, per address) shared by every node through
 * Redis (REDIS_URL), so N nodes allow the attempts of one. The in-flight caps stay per node:
 * they bound the hashing one node does at once. LoginThrottle asks these through
 * SharedLimits.decide, so when Redis cannot answer the node's own buckets decide. Accounts are
 * keyed by a hash of the e-mail: Redis holds no address book.
 */
export class SharedSignInBuckets implements AttemptSettler {
  private readonly accounts: SharedBuckets;
  private readonly addresses: SharedBuckets;

  constructor(
    readonly limits: SharedLimits,
    /** LoginThrottleConfig's `perAccount` and `perIp`. */
    config: { perAccount: Rate; perIp: Rate },
    /** The buckets' names in Redis: other throttles of the same shape (password resets) use their own. */
    names = { account: 'sign_in_account', address: 'sign_in_address' },
  ) {
    this.accounts = limits.buckets(names.account, config.perAccount);
    this.addresses = limits.buckets(names.address, config.perIp);
  }

  /** Forgets the account's failures (its password was just reset); not waited for. */
  forget(email: string): void {
    this.accounts.clear(sha256(email));
  }

  /** Takes one from each: 0 when admitted, else the seconds to wait (and nothing is taken). */
  async take(email: string, address: string): Promise<number> {
    const account = sha256(email);
    const forAccount = await this.accounts.take(account);
    if (forAccount > 0) return forAccount;
    let forAddress: number;
    try {
      forAddress = await this.addresses.take(address);
    } catch (err) {
      this.accounts.giveBack(account);
      throw err;
    }
    if (forAddress > 0) this.accounts.giveBack(account);
    return forAddress;
  }

  succeeded(email: string, address: string): void {
    this.accounts.clear(sha256(email));
    this.addresses.giveBack(address);
  }

  abandoned(email: string, address: string): void {
    this.accounts.giveBack(sha256(email));
    this.addresses.giveBack(address);
  }
}
