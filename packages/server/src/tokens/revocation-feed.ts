import type { Logger } from 'pino';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { SequenceFollower } from '../cache/sequence-follower.ts';
import type { RevocationLog } from '../storage/storage.ts';
import type { Revocation } from '../storage/types.ts';
import type { Coalesced } from '../util/coalesce.ts';

type Listener = (entries: Revocation[]) => void;

/**
 * This node's view of the revocation feed. It hears of new entries through the
 * invalidation bus (every node within the bus's poll interval, 250 ms by default), reads
 * them once, and pushes them to every subscribed stream, so a thousand connected resource
 * servers cost one query per change, not a thousand.
 *
 * On PostgreSQL an entry can commit after one with a higher `seq` was read; the
 * SequenceFollower still reads such a late entry (missing numbers just below the head are
 * re-read for 30 s), and it is pushed to subscribers then, below the sequence numbers they
 * already have.
 */
export class RevocationFeed {
  /**
   * Reads entries not seen yet (newer than the last seen, or committed late below it) and
   * fans them out, each once. Coalesces bursts.
   */
  readonly pull: Coalesced;
  private readonly listeners = new Set<Listener>();
  private readonly follower: SequenceFollower<Revocation>;

  constructor(
    private readonly storage: Pick<RevocationLog, 'revocationsSince'>,
    bus: InvalidationBus,
    log?: Logger,
  ) {
    this.follower = new SequenceFollower({
      read: (after, limit) => storage.revocationsSince(after, limit),
      deliver: (fresh) => {
        for (const l of this.listeners) l(fresh);
      },
      onError: (err) => log?.warn({ err }, 'reading the revocation feed failed'),
    });
    this.pull = this.follower.poll;
    bus.subscribe((key) => {
      if (key === 'revocations') void this.pull();
    });
  }

  /**
   * Starts from the newest entry (subscribers catch up from the database themselves), noting
   * the numbers missing on the way, so that late entries among them are pushed.
   */
  start(): Promise<void> {
    return this.follower.skipTo(0);
  }

  /** The newest sequence number this node has seen. */
  get head(): number {
    return this.follower.head;
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
}
