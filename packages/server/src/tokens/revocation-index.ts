import type { Logger } from 'pino';
import { SequenceFollower } from '../cache/sequence-follower.ts';
import type { RevocationLog } from '../storage/storage.ts';
import type { Revocation } from '../storage/types.ts';
import type { Coalesced } from '../util/coalesce.ts';

const PRUNE_EVERY_MS = 60_000;
/** While over capacity, how often a full reload is tried. */
const RELOAD_EVERY_MS = 300_000;

/**
 * Every live entry of the revocation feed (SHA-256 of `kind:value`, see revocation-keys.ts),
 * in memory, so that introspection answers "is this token revoked?" without a query.
 *
 * Freshness, which is what makes it safe:
 * - A revocation committed by THIS process marks the index stale synchronously, before the
 *   storage call that committed it returns (RevocationLog.onRevocationsCommitted), so before any
 *   response is sent; a stale index is re-read before it answers again (`fresh()`).
 * - Revocations committed by other processes (other nodes, the CLI) are read every `pollMs`
 *   (the invalidation poll interval, 250 ms by default): the same bound the app cache
 *   gives for a deleted app.
 * - PostgreSQL hands out `seq` at insert time, so a transaction can commit an entry below
 *   one already read: the feed is followed through a SequenceFollower, which re-reads
 *   missing sequence numbers just below the head for 30 s, so such a late entry is still
 *   picked up.
 *
 * It answers nothing (`undefined`: the caller asks the database) before its first read and
 * while the feed holds more live entries than `max` (memory stays bounded); then it clears
 * itself and tries a full reload every few minutes.
 */
export class RevocationIndex {
  /** Reads what is new in the feed. Concurrent callers share one read; bursts coalesce. */
  readonly refresh: Coalesced;
  private revoked = new Map<string, number>();
  private overflow = false;
  private lastPrune = Date.now();
  private lastReload = 0;
  private readonly follower: SequenceFollower<Revocation>;
  private readonly unsubscribe: () => void;

  constructor(
    storage: Pick<RevocationLog, 'revocationsSince' | 'onRevocationsCommitted'>,
    private readonly opts: { pollMs: number; max?: number; log?: Logger },
  ) {
    this.follower = new SequenceFollower({
      read: (after, limit) => storage.revocationsSince(after, limit),
      deliver: (fresh, now) => this.add(fresh, now),
      stopAfterPage: () => this.overflow,
      beforeRead: (now) => this.beforeRead(now),
      onError: (err) =>
        opts.log?.warn({ err }, 'reading the revocation feed failed; introspection asks the database'),
      pollMs: opts.pollMs,
    });
    this.refresh = this.follower.poll;
    // Everything committed before this is noted is in the database and read by the next
    // read that starts after it: until then the index answers nothing (`behind`).
    this.unsubscribe = storage.onRevocationsCommitted(() => this.follower.noteWrite());
  }

  /** Loads the feed, then keeps following it. */
  async start(): Promise<void> {
    this.follower.start();
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.follower.stop();
  }

  /**
   * Whether any of these feed hashes is revoked: true or false when the index can tell,
   * undefined when it cannot (not loaded, over capacity, or a local revocation not read
   * yet: await `refresh()` then ask again).
   */
  isRevoked(hashes: readonly string[]): boolean | undefined {
    if (!this.follower.caughtUp || this.overflow || this.follower.behind) return undefined;
    for (const h of hashes) if (this.revoked.has(h)) return true;
    return false;
  }

  /** Seconds since the revocation feed was last read to its end (Infinity before that). */
  lagSeconds(): number {
    return this.follower.lagSeconds();
  }

  /** True when a local revocation committed after the last read (a read will fix it). */
  get stale(): boolean {
    return this.follower.caughtUp && !this.overflow && this.follower.behind;
  }

  /** While over capacity, reads only every few minutes, from the start; prunes now and then. */
  private beforeRead(now: number): boolean {
    if (this.overflow) {
      if (now - this.lastReload < RELOAD_EVERY_MS) return false;
      this.reset();
    }
    if (this.follower.caughtUp && now - this.lastPrune > PRUNE_EVERY_MS) this.prune(now);
    return true;
  }

  /** Holds new entries (or late fills) until over capacity, which ends the read. */
  private add(fresh: readonly Revocation[], now: number): void {
    const max = this.opts.max ?? 200_000;
    for (const e of fresh) {
      this.revoked.set(e.hash, Math.max(e.expiresAt.getTime(), this.revoked.get(e.hash) ?? 0));
      if (this.revoked.size > max) {
        this.opts.log?.warn(
          { max },
          'the revocation feed holds more live entries than the in-memory index keeps; introspection asks the database',
        );
        this.overflow = true;
        this.revoked = new Map();
        this.lastReload = now;
        return;
      }
    }
  }

  /** Starts over from the beginning of the feed (after an overflow). */
  private reset(): void {
    this.overflow = false;
    this.follower.reset();
    this.revoked = new Map();
  }

  private prune(now: number): void {
    this.lastPrune = now;
    for (const [h, exp] of this.revoked) if (exp <= now) this.revoked.delete(h);
  }
}
