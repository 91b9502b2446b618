import { isDatabaseUnavailable } from '../unavailable.ts';

interface Waiting<T> {
  row: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the rows added during one turn of the event loop are written by one statement
 * (one transaction), and each add() resolves once that has committed, never before. So a
 * caller that answers after its add() resolved has answered with a durable row, exactly as
 * with a write of its own, while 32 concurrent token requests cost the database one commit
 * instead of 32: on SQLite one WAL append (and a checkpoint every few thousand tokens rather
 * than every few hundred), on PostgreSQL one round trip on one pooled connection.
 *
 * A batch whose write fails for a reason other than the database being unavailable (a row
 * that breaks a constraint, say, because its app was deleted meanwhile) is written again row
 * by row, so that one bad row fails only its own caller. An unavailable database fails the
 * whole batch at once: every caller answers 503 without a retry storm.
 */
export class GroupCommit<T> {
  private pending: Waiting<T>[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    /** Writes every row in one statement or one transaction. */
    private readonly writeMany: (rows: T[]) => Promise<void>,
    /** Writes one row alone: a batch of one, and the fallback after a failed batch. */
    private readonly writeOne: (row: T) => Promise<void>,
    /** A batch is written at once when it reaches this many rows (statement size bounds). */
    private readonly maxRows = 200,
  ) {}

  add(row: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length >= this.maxRows) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // After this turn's I/O callbacks: every request read in this turn joins the batch.
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Resolves once every row added so far has been written or refused (before closing storage). */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const done = this.write(batch).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async write(batch: Waiting<T>[]): Promise<void> {
    try {
      if (batch.length === 1) await this.writeOne((batch[0] as Waiting<T>).row);
      else await this.writeMany(batch.map((w) => w.row));
    } catch (err) {
      if (batch.length === 1 || isDatabaseUnavailable(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      await Promise.all(batch.map((w) => this.writeOne(w.row).then(w.resolve, w.reject)));
      return;
    }
    for (const w of batch) w.resolve();
  }
}
