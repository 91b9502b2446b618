import type { Revocation, RevocationInput } from './types.ts';

/**
 * The revocation feed resource servers follow (GET /revocations): what no token may carry
 * any more. Revoking a grant, deleting an app, revoking a token family or an access token
 * append to it themselves, in their own transaction.
 */
export interface RevocationLog {
  /** Appends entries (e.g. a single revoked access token's jti). */
  recordRevocations(entries: RevocationInput[]): Promise<void>;
  /** Live entries after `seq`, oldest first, at most `limit` (default 1000, at most 5000). */
  revocationsSince(seq: number, limit?: number): Promise<Revocation[]>;
  /** Deletes entries no live token can carry any more (expired at `now`). */
  pruneRevocations(now?: Date): Promise<void>;
  /**
   * Calls `listener` synchronously right after a transaction of THIS process that appended
   * to the revocation feed has committed, before the storage call returns: in-process
   * caches of revocation state (tokens/revocation-index.ts) mark themselves stale at once.
   * Other processes learn of it by reading the feed. Returns an unsubscribe function.
   */
  onRevocationsCommitted(listener: () => void): () => void;
}
