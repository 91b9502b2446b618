import { GAP_WINDOW, SeqGaps } from '@gatehouse/cache';
import type { Logger } from 'pino';
import type { Storage } from '../storage/storage.ts';

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
 * appear out of order (41 after 42 was read). Missing numbers just below the newest are
 * re-read until they appear or give up (SeqGaps: 30 s), so a late invalidation (an app
 * deleted, a secret rotated) is still delivered, once.
 */
export class InvalidationBus {
  private seen = new SeqGaps();
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Listener[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly pollMs: number,
    private readonly log?: Logger,
  ) {}

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Tells local listeners now (used for changes made in this process). */
  publishLocal(key: string): void {
    for (const l of this.listeners) l(key);
  }

  async start(): Promise<void> {
    // The rows just below the newest are read too (not dispatched: caches start empty), so
    // that a transaction still committing below the head at startup is waited for.
    const latest = await this.storage.latestInvalidationSeq();
    this.seen = new SeqGaps(Math.max(0, latest - GAP_WINDOW));
    await this.read(false);
    const tick = () => {
      this.running = this.poll()
        .catch((err: unknown) => this.log?.warn({ err }, 'invalidation poll failed; caches may be stale'))
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.timer = setTimeout(tick, this.pollMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.pollMs).unref();
  }

  /** Reads and dispatches every invalidation not seen yet (new, or committed late). */
  poll(): Promise<void> {
    return this.read(true);
  }

  private async read(dispatch: boolean): Promise<void> {
    const now = Date.now();
    let from = this.seen.from;
    for (;;) {
      const batch = await this.storage.invalidationsSince(from, 1000);
      for (const inv of batch) if (this.seen.take(inv.seq, now) && dispatch) this.publishLocal(inv.key);
      const last = batch.at(-1);
      if (!last || batch.length < 1000) break;
      from = last.seq;
    }
    this.seen.expire(now);
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.running;
  }
}
