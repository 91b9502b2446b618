import type { Logger } from 'pino';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import type { Storage } from '../storage/storage.ts';
import type { Revocation } from '../storage/types.ts';

type Listener = (entries: Revocation[]) => void;

/**
 * This node's view of the revocation feed. It hears of new entries through the
 * invalidation bus (every node within the bus's poll interval, 250 ms by default), reads
 * them once, and pushes them to every subscribed stream, so a thousand connected resource
 * servers cost one query per change, not a thousand.
 */
export class RevocationFeed {
  private seq = 0;
  private readonly listeners = new Set<Listener>();
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly storage: Storage,
    bus: InvalidationBus,
    private readonly log?: Logger,
  ) {
    bus.subscribe((key) => {
      if (key === 'revocations') void this.pull();
    });
  }

  async start(): Promise<void> {
    const latest = await this.storage.revocationsSince(0, 1);
    // Start from the newest entry: subscribers catch up from the database themselves.
    let seq = latest[0]?.seq ?? 0;
    for (;;) {
      const batch = await this.storage.revocationsSince(seq, 5000);
      const last = batch.at(-1);
      if (!last) break;
      seq = last.seq;
    }
    this.seq = seq;
  }

  /** The newest sequence number this node has seen. */
  get head(): number {
    return this.seq;
  }

  /** Entries after `seq` from the database (for catch-up and polling clients). */
  since(seq: number, limit: number): Promise<Revocation[]> {
    return this.storage.revocationsSince(seq, limit);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Reads entries newer than the last seen and fans them out. Coalesces bursts. */
  pull(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        for (;;) {
          const batch = await this.storage.revocationsSince(this.seq, 1000);
          const last = batch.at(-1);
          if (!last) break;
          this.seq = last.seq;
          for (const l of this.listeners) l(batch);
          if (batch.length < 1000) break;
        }
      } while (this.again);
    })()
      .catch((err: unknown) => this.log?.warn({ err }, 'reading the revocation feed failed'))
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}
