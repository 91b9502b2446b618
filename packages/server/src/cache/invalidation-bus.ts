import { GAP_WINDOW } from '@gatehouse/cache';
import type { Logger } from 'pino';
import type { InvalidationLog } from '../storage/storage.ts';
import { SequenceFollower } from './sequence-follower.ts';

type Listener = (key: string) => void;

/**
 * Cross-process cache invalidation. Every mutation that affects a cached entry writes an
 * `invalidations` row in its own transaction; each node polls for rows it has not seen and
 * tells its caches. Works the same on SQLite (CLI and server sharing one file) and on
 * PostgreSQL (many nodes). The poll is one indexed range query every `pollMs` on a
 * background timer, never on a request path, so a node is at most `pollMs` (default
 * 250 ms) behind a change made elsewhere; changes made in this process apply at once.
 *
 * On PostgreSQL a row's `seq` is taken at INSERT and the row appears at COMMIT, so rows can
 * appear out of order (41 after 42 was read). The SequenceFollower re-reads missing numbers
 * just below the newest until they appear or give up (30 s), so a late invalidation (an app
 * deleted, a secret rotated) is still delivered, once.
 */
export class InvalidationBus {
  private readonly listeners: Listener[] = [];
  /** Told of each change made in this process (with REDIS_URL: wakes the other nodes). */
  onLocalChange: (() => void) | undefined;
  private readonly follower: SequenceFollower<{ seq: number; key: string }>;

  constructor(
    private readonly storage: Pick<InvalidationLog, 'invalidationsSince' | 'latestInvalidationSeq'>,
    pollMs: number,
    log?: Logger,
  ) {
    this.follower = new SequenceFollower({
      read: (after, limit) => storage.invalidationsSince(after, limit),
      deliver: (rows) => {
        for (const row of rows) this.dispatch(row.key);
      },
      onError: (err) => log?.warn({ err }, 'invalidation poll failed; caches may be stale'),
      pollMs,
    });
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Tells local listeners now (used for changes made in this process). */
  publishLocal(key: string): void {
    this.dispatch(key);
    this.onLocalChange?.();
  }

  private dispatch(key: string): void {
    for (const l of this.listeners) l(key);
  }

  async start(): Promise<void> {
    // The rows just below the newest are read too (not dispatched: caches start empty), so
    // that a transaction still committing below the head at startup is waited for.
    const latest = await this.storage.latestInvalidationSeq();
    await this.follower.skipTo(Math.max(0, latest - GAP_WINDOW));
    this.follower.start();
  }

  /**
   * Reads and dispatches every invalidation not seen yet (new, or committed late). Resolves
   * once everything committed before the call has been read; a failure is logged.
   */
  poll(): Promise<void> {
    return this.follower.poll();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /** Seconds since the invalidation feed was last read to its end (Infinity before that). */
  lagSeconds(): number {
    return this.follower.lagSeconds();
  }
}
