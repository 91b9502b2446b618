/**
 * Sequence numbers this far below the head that have not been seen are waited for. More
 * than any plausible number of rows written by transactions in flight at once.
 */
export const GAP_WINDOW = 1000;
/** How long a missing sequence number is waited for (a transaction still committing). */
export const GAP_GRACE_MS = 30_000;

/**
 * What a reader following a table by `seq` (rows "after the last one I saw") has seen.
 *
 * PostgreSQL hands out a sequence value when a row is INSERTed, and the row becomes visible
 * when its transaction COMMITs, so two transactions can commit out of order: the row with
 * seq 41 can appear after the reader has read 42. A reader whose cursor moved to 42 would
 * never see 41. So every number skipped below the head (a gap) is remembered, reads start
 * at the lowest open gap (`from`), and `take` tells rows not seen yet (above the head, or
 * filling a gap) from rows read before. A gap is given up after `graceMs` (a rolled-back
 * transaction, a sequence that skipped values after a crash, a row deleted or filtered out
 * before it was read: those never fill) or once it is `window` below the head.
 *
 * SQLite has one writer at a time, and `seq` is taken inside the write transaction, so
 * rows commit in order there; gaps only come from rows that will never appear.
 */
export class SeqGaps {
  private top: number;
  /** Missing sequence number -> when it was first found missing (ms). */
  private readonly gaps = new Map<number, number>();

  constructor(
    head = 0,
    private readonly window = GAP_WINDOW,
    private readonly graceMs = GAP_GRACE_MS,
  ) {
    this.top = head;
  }

  /** The highest sequence number seen. */
  get head(): number {
    return this.top;
  }

  /** Numbers below the head still waited for (for tests and health output). */
  get open(): number {
    return this.gaps.size;
  }

  /** Where the next read starts (exclusive): below the lowest open gap, else the head. */
  get from(): number {
    let from = this.top;
    for (const seq of this.gaps.keys()) if (seq - 1 < from) from = seq - 1;
    return from;
  }

  /** Records a row read; true when it was not seen before (new, or filling a gap). */
  take(seq: number, now = Date.now()): boolean {
    if (seq > this.top) {
      for (let s = Math.max(this.top + 1, seq - this.window); s < seq; s++) this.gaps.set(s, now);
      this.top = seq;
      return true;
    }
    return this.gaps.delete(seq);
  }

  /** Gives up gaps older than the grace period or too far below the head. */
  expire(now = Date.now()): void {
    for (const [seq, since] of this.gaps)
      if (now - since > this.graceMs || seq <= this.top - this.window) this.gaps.delete(seq);
  }
}
