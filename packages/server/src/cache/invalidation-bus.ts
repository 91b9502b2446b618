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
 */
export class InvalidationBus {
  private seq = 0;
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
    this.seq = await this.storage.latestInvalidationSeq();
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

  /** Reads and dispatches every invalidation since the last poll. */
  async poll(): Promise<void> {
    for (;;) {
      const batch = await this.storage.invalidationsSince(this.seq, 1000);
      for (const inv of batch) {
        this.seq = inv.seq;
        this.publishLocal(inv.key);
      }
      if (batch.length < 1000) return;
    }
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.running;
  }
}
