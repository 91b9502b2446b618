import { SeqGaps } from '@gatehouse/cache';
import type { Logger } from 'pino';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import type { Storage } from '../storage/storage.ts';
import type { Revocation } from '../storage/types.ts';
import { type Coalesced, coalesced } from '../util/coalesce.ts';

type Listener = (entries: Revocation[]) => void;

/**
 * This node's view of the revocation feed. It hears of new entries through the
 * invalidation bus (every node within the bus's poll interval, 250 ms by default), reads
 * them once, and pushes them to every subscribed stream, so a thousand connected resource
 * servers cost one query per change, not a thousand.
 *
 * On PostgreSQL an entry can commit after one with a higher `seq` was read (SeqGaps); such a
 * late entry is still read (missing numbers just below the head are re-read for 30 s) and
 * pushed to subscribers then, below the sequence numbers they already have.
 */
export class RevocationFeed {
  private seen = new SeqGaps();
  private readonly listeners = new Set<Listener>();

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
    // Start from the newest entry (subscribers catch up from the database themselves),
    // noting the numbers missing on the way, so that late entries among them are pushed.
    const seen = new SeqGaps();
    const now = Date.now();
    for (let seq = 0; ; ) {
      const batch = await this.storage.revocationsSince(seq, 5000);
      for (const e of batch) seen.take(e.seq, now);
      const last = batch.at(-1);
      if (!last) break;
      seq = last.seq;
    }
    seen.expire(now);
    this.seen = seen;
  }

  /** The newest sequence number this node has seen. */
  get head(): number {
    return this.seen.head;
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

  /**
   * Reads entries not seen yet (newer than the last seen, or committed late below it) and
   * fans them out, each once. Coalesces bursts.
   */
  readonly pull: Coalesced = coalesced(
    async () => {
      const now = Date.now();
      let from = this.seen.from;
      for (;;) {
        const batch = await this.storage.revocationsSince(from, 1000);
        const fresh = batch.filter((e) => this.seen.take(e.seq, now));
        if (fresh.length > 0) for (const l of this.listeners) l(fresh);
        const last = batch.at(-1);
        if (!last || batch.length < 1000) break;
        from = last.seq;
      }
      this.seen.expire(now);
    },
    (err) => this.log?.warn({ err }, 'reading the revocation feed failed'),
  );
}
