import type { Invalidation } from './types.ts';

/**
 * Cross-node cache invalidation: every change to cached state (an app's secrets, a grant, the
 * signing keys) writes its cache key here in its own transaction; every node reads on.
 */
export interface InvalidationLog {
  /** Highest sequence number written so far (0 when none). */
  latestInvalidationSeq(): Promise<number>;
  /** Keys written after `seq`, oldest first, at most `limit` (default 1000). */
  invalidationsSince(seq: number, limit?: number): Promise<Invalidation[]>;
  /** Deletes invalidations older than `before` (housekeeping). */
  pruneInvalidations(before: Date): Promise<void>;
}
