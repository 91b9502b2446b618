import { SeqGaps } from '@gatehouse/cache';
import type { Logger } from 'pino';
import type { Storage } from '../storage/storage.ts';
import type { Revocation } from '../storage/types.ts';
import { type Coalesced, coalesced } from '../util/coalesce.ts';

const PAGE = 1000;
const PRUNE_EVERY_MS = 60_000;
/** While over capacity, how often a full reload is tried. */
const RELOAD_EVERY_MS = 300_000;

/**
 * Every live entry of the revocation feed (SHA-256 of `kind:value`, see revocation-keys.ts),
 * in memory, so that introspection answers "is this token revoked?" without a query.
 *
 * Freshness, which is what makes it safe:
 * - A revocation committed by THIS process marks the index stale synchronously, before the
 *   storage call that committed it returns (Storage.onRevocationsCommitted), so before any
 *   response is sent; a stale index is re-read before it answers again (`fresh()`).
 * - Revocations committed by other processes (other nodes, the CLI) are read every `pollMs`
 *   (the invalidation poll interval, 250 ms by default): the same bound the app cache
 *   gives for a deleted app.
 * - PostgreSQL hands out `seq` at insert time, so a transaction can commit an entry below
 *   one already read: the feed is followed through SeqGaps, which re-reads missing sequence
 *   numbers just below the head for 30 s, so such a late entry is still picked up.
 *
 * It answers nothing (`undefined`: the caller asks the database) before its first read and
 * while the feed holds more live entries than `max` (memory stays bounded); then it clears
 * itself and tries a full reload every few minutes.
 */
export class RevocationIndex {
  private revoked = new Map<string, number>();
  private seen = new SeqGaps();
  private loaded = false;
  private overflow = false;
  /** Bumped on each local revocation commit; `synced` is the value the last read covered. */
  private localGen = 0;
  private synced = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastPrune = Date.now();
  private lastReload = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly storage: Storage,
    private readonly opts: { pollMs: number; max?: number; log?: Logger },
  ) {
    this.unsubscribe = storage.onRevocationsCommitted(() => {
      this.localGen++;
    });
  }

  /** Loads the feed, then keeps following it. */
  async start(): Promise<void> {
    this.running = true;
    await this.refresh();
    const tick = () => {
      void this.refresh().finally(() => {
        if (this.running) this.timer = setTimeout(tick, this.opts.pollMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.opts.pollMs).unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.refresh.inFlight();
  }

  /**
   * Whether any of these feed hashes is revoked: true or false when the index can tell,
   * undefined when it cannot (not loaded, over capacity, or a local revocation not read
   * yet: await `refresh()` then ask again).
   */
  isRevoked(hashes: readonly string[]): boolean | undefined {
    if (!this.loaded || this.overflow || this.localGen !== this.synced) return undefined;
    for (const h of hashes) if (this.revoked.has(h)) return true;
    return false;
  }

  /** True when a local revocation committed after the last read (a read will fix it). */
  get stale(): boolean {
    return this.loaded && !this.overflow && this.localGen !== this.synced;
  }

  /** Reads what is new in the feed. Concurrent callers share one read; bursts coalesce. */
  readonly refresh: Coalesced = coalesced(
    async () => {
      const gen = this.localGen;
      await this.read();
      // Everything committed before `gen` was bumped is in the database and was read.
      this.synced = gen;
    },
    (err) =>
      this.opts.log?.warn({ err }, 'reading the revocation feed failed; introspection asks the database'),
  );

  private async read(): Promise<void> {
    const now = Date.now();
    if (this.overflow) {
      if (now - this.lastReload < RELOAD_EVERY_MS) return;
      this.reset();
    }
    if (this.loaded && now - this.lastPrune > PRUNE_EVERY_MS) this.prune(now);
    let from = this.seen.from;
    for (;;) {
      const batch = await this.storage.revocationsSince(from, PAGE);
      for (const e of batch) this.add(e, now);
      if (this.overflow) return;
      const last = batch.at(-1);
      if (!last || batch.length < PAGE) break;
      from = last.seq;
    }
    this.seen.expire(now);
    this.loaded = true;
  }

  private add(e: Revocation, now: number): void {
    // Re-reads below the head return entries already held: only new ones (or late fills) count.
    if (!this.seen.take(e.seq, now)) return;
    this.revoked.set(e.hash, Math.max(e.expiresAt.getTime(), this.revoked.get(e.hash) ?? 0));
    if (this.revoked.size > (this.opts.max ?? 200_000)) {
      this.opts.log?.warn(
        { max: this.opts.max ?? 200_000 },
        'the revocation feed holds more live entries than the in-memory index keeps; introspection asks the database',
      );
      this.overflow = true;
      this.revoked = new Map();
      this.lastReload = now;
    }
  }

  /** Starts over from the beginning of the feed (after an overflow). */
  private reset(): void {
    this.overflow = false;
    this.loaded = false;
    this.seen = new SeqGaps();
    this.revoked = new Map();
  }

  private prune(now: number): void {
    this.lastPrune = now;
    for (const [h, exp] of this.revoked) if (exp <= now) this.revoked.delete(h);
  }
}
