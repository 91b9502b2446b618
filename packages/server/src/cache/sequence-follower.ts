import { GAP_GRACE_MS, GAP_WINDOW, SeqGaps } from '@gatehouse/cache';
import { type Coalesced, coalesced } from '../util/coalesce.ts';

/** Up to `limit` entries with `seq` above `after`, in ascending `seq` order. */
export type ReadAfter<E> = (after: number, limit: number) => Promise<readonly E[]>;

export interface SequenceFollowerOptions<E extends { seq: number }> {
  read: ReadAfter<E>;
  /**
   * Receives the entries of a page not seen before (newer than the head, or filling a gap),
   * in page order; never an empty list.
   */
  deliver(fresh: E[], now: number): void;
  /**
   * Asked after each page is delivered: true ends the read there (e.g. memory is full). The
   * rest of the sequence is not read; what was taken stays taken.
   */
  stopAfterPage?(): boolean;
  /** A read that failed. Nothing is lost: the next read resumes where this one stopped. */
  onError(err: unknown): void;
  /** Between start() and stop(), a read this long after the previous one ended. */
  pollMs?: number;
  /** Runs before each read (not before skipTo); false skips that read (e.g. while over capacity). */
  beforeRead?(now: number): boolean;
  /** Entries asked for per query. Default 1000. */
  pageSize?: number;
  /** SeqGaps' window and grace period (tests shrink them). */
  window?: number;
  graceMs?: number;
  /** The clock gaps are timed by (ms). Default Date.now. */
  now?: () => number;
}

/**
 * Follows a table by `seq` (rows "after the last one I saw"), the one way Gatehouse keeps
 * memory in step with the database: the invalidation bus, the revocation feed and the
 * revocation index each hand it a query and what to do with new rows.
 *
 * What it guarantees, and why each part is here:
 * - Each entry is delivered once, including one committed late below entries already read
 *   (PostgreSQL takes `seq` at INSERT and shows the row at COMMIT): numbers skipped below the
 *   head are re-read for a while (`SeqGaps`, from @gatehouse/cache).
 * - A read goes page by page to the end, so a burst of any size is caught up in one read.
 * - Polls never overlap: a poll asked for while one runs makes that one go round once more,
 *   so when `poll()` resolves, everything committed before it was called has been read.
 *   (`skipTo`, for startup, is not queued behind them; were a poll to overlap it, each entry
 *   would still be delivered at most once, since taking one from the cursor is synchronous.)
 * - A failed read is reported to `onError` and the next one (on the timer, or an explicit
 *   `poll()`) resumes from the cursor; the timer keeps its period (no faster retry, which
 *   would hammer a database that is struggling, and no slower one, which would stretch the
 *   freshness bound that docs/tokens.md promises).
 * - `stop()` ends the timer and waits for the read under way, so shutdown closes nothing
 *   in use.
 */
export class SequenceFollower<E extends { seq: number }> {
  /** Reads everything not seen yet and delivers it. Concurrent calls share one read. */
  readonly poll: Coalesced;
  private gaps: SeqGaps;
  private caught = false;
  /** When the last read that reached the end of the sequence started (ms); undefined before one. */
  private readAt: number | undefined;
  /** Local writes noted, and how many of them the last completed read covered. */
  private writes = 0;
  private covered = 0;
  private following = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly pageSize: number;

  constructor(private readonly opts: SequenceFollowerOptions<E>) {
    this.pageSize = opts.pageSize ?? 1000;
    this.gaps = this.cursor(0);
    this.poll = coalesced(() => this.cycle(), opts.onError);
  }

  /** The highest sequence number seen. */
  get head(): number {
    return this.gaps.head;
  }

  /** Numbers below the head still waited for. */
  get open(): number {
    return this.gaps.open;
  }

  /** True once a read has reached the end of the sequence since the last reset. */
  get caughtUp(): boolean {
    return this.caught;
  }

  /**
   * Seconds since the last read that reached the end of the sequence started: how far behind
   * the table this follower may be (the feed lag metric). Infinity before the first such read.
   */
  lagSeconds(now = this.now()): number {
    return this.readAt === undefined ? Number.POSITIVE_INFINITY : Math.max(0, now - this.readAt) / 1000;
  }

  /** True when a write noted with `noteWrite()` may not have been read yet. */
  get behind(): boolean {
    return this.writes !== this.covered;
  }

  /**
   * Notes that this process just committed an entry: `behind` is true until a read that
   * started after this call completes. Synchronous, so a caller can mark it before the
   * commit's response goes out.
   */
  noteWrite(): void {
    this.writes++;
  }

  /** Starts over after `head`: entries up to it count as seen; `caughtUp` is false again. */
  reset(head = 0): void {
    this.gaps = this.cursor(head);
    this.caught = false;
  }

  /**
   * Starts following after `head` and reads what is already there WITHOUT delivering it
   * (memory starts empty, or subscribers catch up by themselves), so that the numbers missing
   * in it are waited for and delivered if they appear. Rejects when the read fails.
   */
  async skipTo(head: number): Promise<void> {
    this.reset(head);
    const now = this.now();
    if (await this.readPages(false, now)) this.reached(now);
  }

  /** Polls every `pollMs` until stop() (the timer does not keep the process alive). */
  start(): void {
    if (this.following) return;
    if (this.opts.pollMs === undefined) throw new TypeError('SequenceFollower.start needs pollMs');
    this.following = true;
    this.schedule(this.opts.pollMs);
  }

  /** Stops polling and waits for the read under way, if any. */
  async stop(): Promise<void> {
    this.following = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.poll.inFlight();
  }

  private schedule(ms: number): void {
    // One timer at most, even when start() follows stop() while a read is still finishing.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.poll().finally(() => {
        if (this.following) this.schedule(ms);
      });
    }, ms);
    this.timer.unref?.();
  }

  private async cycle(): Promise<void> {
    const writes = this.writes;
    const now = this.now();
    if (this.opts.beforeRead?.(now) !== false && (await this.readPages(true, now))) this.reached(now);
    // Everything committed before `writes` was noted is in the database and was read (or
    // deliberately skipped, which the caller decided).
    this.covered = writes;
  }

  private reached(readStartedAt: number): void {
    this.caught = true;
    this.readAt = readStartedAt;
  }

  /** Reads page by page from the lowest open gap; false when `stopAfterPage` ended the read. */
  private async readPages(deliver: boolean, now: number): Promise<boolean> {
    const gaps = this.gaps;
    const size = this.pageSize;
    let from = gaps.from;
    for (;;) {
      const page = await this.opts.read(from, size);
      const fresh: E[] = [];
      for (const e of page) if (gaps.take(e.seq, now) && deliver) fresh.push(e);
      if (fresh.length > 0) {
        this.opts.deliver(fresh, now);
        if (this.opts.stopAfterPage?.()) return false;
      }
      const last = page.at(-1);
      // A short page is the end; a page that does not move forward would loop for ever.
      if (last === undefined || page.length < size || last.seq <= from) break;
      from = last.seq;
    }
    gaps.expire(now);
    return true;
  }

  private cursor(head: number): SeqGaps {
    return new SeqGaps(head, this.opts.window ?? GAP_WINDOW, this.opts.graceMs ?? GAP_GRACE_MS);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
