import type { SharedLimits } from '../limits/shared-limits.ts';
import type { AssertionReplayStore } from '../storage/storage.ts';

/**
 * Makes each client assertion's `jti` single use on every node (RFC 7523 3, item 7): with
 * REDIS_URL, one `SET NX PX` until the assertion expires; without it, or while Redis does not
 * answer, one insert-if-absent in the database (pruned by housekeeping). Never fails open:
 * when Redis is down the database decides.
 */
export class AssertionReplayGuard {
  constructor(
    private readonly storage: AssertionReplayStore,
    private readonly shared?: SharedLimits,
  ) {}

  async useJti(clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const durable = () => this.storage.useAssertionJti(clientId, jti, expiresAt);
    const shared = this.shared;
    if (shared === undefined) return durable();
    const key = `${clientId.length}:${clientId}:${jti}`;
    return shared.decide<boolean | Promise<boolean>>(
      () => shared.claimOnce('assertion-jti', key, expiresAt.getTime() - Date.now()),
      durable,
    );
  }
}
