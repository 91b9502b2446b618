import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SequenceFollower, type SequenceFollowerOptions } from '../src/cache/sequence-follower.ts';

interface Row {
  seq: number;
  v: string;
}

/**
 * A table followed by seq, in memory, so that the test decides what is committed when: rows
 * can appear below rows already read (as on PostgreSQL), a read can be held open, or fail.
 * (The same follower against SQLite and PostgreSQL: invalidation-bus.test.ts.)
 */
function table() {
  const rows: Row[] = [];
  const asked: number[] = [];
  let failNext: Error | undefined;
  let hold: Promise<void> | undefined;
  return {
    asked,
    commit(...seqs: number[]) {
      for (const seq of seqs) rows.push({ seq, v: `r${seq}` });
    },
    failOnce(err: Error) {
      failNext = err;
    },
    /** Holds the next reads open until the returned function is called. */
    holdReads(): () => void {
      let release!: () => void;
      hold = new Promise<void>((r) => {
        release = r;
      });
      return () => {
        hold = undefined;
        release();
      };
    },
    async read(after: number, limit: number): Promise<Row[]> {
      asked.push(after);
      if (hold) await hold;
      if (failNext) {
        const err = failNext;
        failNext = undefined;
        throw err;
      }
      return rows
        .filter((r) => r.seq > after)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
    },
  };
}

function follower(t: ReturnType<typeof table>, opts: Partial<SequenceFollowerOptions<Row>> = {}) {
  const delivered: string[] = [];
  const errors: unknown[] = [];
  const f = new SequenceFollower<Row>({
    read: (after, limit) => t.read(after, limit),
    deliver: (fresh) => {
      for (const r of fresh) delivered.push(r.v);
    },
    onError: (err) => errors.push(err),
    ...opts,
  });
  return { f, delivered, errors };
}

/** Lets pending promise callbacks run (reads in this file resolve without I/O). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('SequenceFollower', () => {
  it('delivers each row once, including one committed below rows already read', async () => {
    const t = table();
    const { f, delivered } = follower(t);
    t.commit(1, 3);
    await f.poll();
    assert.deepEqual(delivered, ['r1', 'r3']);
    assert.equal(f.head, 3);
    assert.equal(f.open, 1, '2 is waited for');
    t.commit(2);
    await f.poll();
    assert.deepEqual(delivered, ['r1', 'r3', 'r2'], 'the late row, once');
    assert.equal(t.asked.at(-1), 1, 'read again from below the gap');
    await f.poll();
    assert.deepEqual(delivered, ['r1', 'r3', 'r2'], 'nothing twice');
    assert.equal(f.open, 0);
    assert.equal(t.asked.at(-1), 3, 'once filled, reads start at the head');
  });

  it('gives a gap up after the grace period (by its clock) and then reads from the head', async () => {
    const t = table();
    let now = 0;
    const { f, delivered } = follower(t, { graceMs: 1000, now: () => now });
    t.commit(1, 3);
    await f.poll();
    now = 1000;
    await f.poll();
    assert.equal(t.asked.at(-1), 1, 'still waited for at the grace period');
    now = 1001;
    await f.poll();
    assert.equal(f.open, 0, 'given up');
    await f.poll();
    assert.equal(t.asked.at(-1), 3);
    assert.deepEqual(delivered, ['r1', 'r3']);
  });

  it('catches up a backlog of any size in one poll, page by page', async () => {
    const t = table();
    const { f, delivered } = follower(t, { pageSize: 100 });
    t.commit(...Array.from({ length: 250 }, (_, i) => i + 1));
    await f.poll();
    assert.equal(delivered.length, 250);
    assert.deepEqual(t.asked, [0, 100, 200], 'three pages, each after the last row of the one before');
    assert.equal(f.caughtUp, true);
    t.commit(...Array.from({ length: 100 }, (_, i) => i + 251));
    await f.poll();
    assert.deepEqual(t.asked, [0, 100, 200, 250, 350], 'a full last page is followed by one more read');
    assert.equal(delivered.length, 350);
  });

  it('skipTo reads what is there without delivering it, but delivers a late row among it', async () => {
    const t = table();
    const { f, delivered } = follower(t);
    t.commit(1, 2, 4);
    await f.skipTo(0);
    assert.deepEqual(delivered, []);
    assert.equal(f.head, 4);
    assert.equal(f.caughtUp, true);
    t.commit(3, 5);
    await f.poll();
    assert.deepEqual(delivered.sort(), ['r3', 'r5']);
  });

  it('skipTo(head) counts rows up to the head as seen without reading them', async () => {
    const t = table();
    const { f, delivered } = follower(t);
    t.commit(1, 2, 3);
    await f.skipTo(2);
    assert.deepEqual(t.asked, [2]);
    t.commit(4);
    await f.poll();
    assert.deepEqual(delivered, ['r4'], 'row 3 was read by skipTo, so only 4 is news');
  });

  it('skipTo rejects when the read fails (startup should fail loudly)', async () => {
    const t = table();
    const { f, errors } = follower(t);
    t.failOnce(new Error('database down'));
    await assert.rejects(f.skipTo(0), /database down/);
    assert.deepEqual(errors, []);
  });

  it('concurrent polls share one read; one asked for during a read makes it go round once more', async () => {
    const t = table();
    const { f, delivered } = follower(t);
    t.commit(1);
    const release = t.holdReads();
    const first = f.poll();
    await settle();
    t.commit(2); // committed while the read is under way: the read may miss it
    const later = [f.poll(), f.poll(), f.poll()];
    assert.equal(f.poll.inFlight() !== undefined, true);
    release();
    await Promise.all([first, ...later]);
    assert.equal(t.asked.length, 2, 'one read, and one more round for the calls made during it');
    assert.deepEqual(delivered, ['r1', 'r2'], 'every poll resolved after reading what preceded it');
  });

  it('a failed read is reported, loses nothing, and the next one resumes from the cursor', async () => {
    const t = table();
    const { f, delivered, errors } = follower(t, { pageSize: 2 });
    t.commit(1, 2, 3, 4, 5);
    let reads = 0;
    // Fail the second page only.
    const original = t.read.bind(t);
    t.read = async (after, limit) => {
      if (++reads === 2) throw new Error('connection reset');
      return original(after, limit);
    };
    await f.poll();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /connection reset/);
    assert.deepEqual(delivered, ['r1', 'r2'], 'the first page was delivered before the failure');
    assert.equal(f.caughtUp, false);
    await f.poll();
    assert.deepEqual(delivered, ['r1', 'r2', 'r3', 'r4', 'r5'], 'the rest, once');
    assert.deepEqual(t.asked, [0, 2, 4], 'resumed after the last row delivered');
    assert.equal(f.caughtUp, true);
  });

  it('a source that does not move forward cannot make a read loop for ever', async () => {
    let reads = 0;
    const stuck = new SequenceFollower<Row>({
      read: async () => {
        reads++;
        return [
          { seq: 1, v: 'a' },
          { seq: 1, v: 'a' },
        ];
      },
      deliver: () => {},
      onError: () => {},
      pageSize: 2,
    });
    await stuck.poll();
    assert.equal(reads, 2, 'the second page did not move past the first: the read ended there');
    await stuck.poll();
    assert.equal(reads, 3);
    assert.equal(stuck.head, 1);
  });

  it('stopAfterPage ends the read after a page; beforeRead returning false skips the read', async () => {
    const t = table();
    t.commit(1, 2, 3, 4, 5);
    const got: number[] = [];
    let skip = false;
    const f = new SequenceFollower<Row>({
      read: (after, limit) => t.read(after, limit),
      deliver: (fresh) => {
        got.push(...fresh.map((r) => r.seq));
      },
      stopAfterPage: () => true,
      beforeRead: () => !skip,
      onError: (err) => assert.fail(String(err)),
      pageSize: 2,
    });
    await f.poll();
    assert.deepEqual(got, [1, 2]);
    assert.deepEqual(t.asked, [0], 'no page after the one that ended the read');
    assert.equal(f.caughtUp, false, 'an ended read did not reach the end');
    skip = true;
    await f.poll();
    assert.deepEqual(t.asked, [0], 'skipped: no query');
    f.reset();
    assert.equal(f.head, 0, 'reset starts over');
  });

  it('behind: a noted write is covered only by a read that started after it', async () => {
    const t = table();
    const { f } = follower(t);
    await f.poll();
    assert.equal(f.behind, false);
    const release = t.holdReads();
    const inFlight = f.poll();
    await settle();
    f.noteWrite(); // committed while a read that may have missed it is under way
    release();
    await inFlight;
    assert.equal(f.behind, true, 'the read in flight does not cover it');
    await f.poll();
    assert.equal(f.behind, false);
  });

  it('polls every pollMs while started, keeps its period after a failure, and stop() ends it', async (tc) => {
    tc.mock.timers.enable({ apis: ['setTimeout'] });
    const t = table();
    const { f, delivered, errors } = follower(t, { pollMs: 250 });
    f.start();
    f.start(); // idempotent: still one timer
    t.commit(1);
    tc.mock.timers.tick(249);
    await settle();
    assert.equal(t.asked.length, 0, 'nothing before the period');
    tc.mock.timers.tick(1);
    await settle();
    assert.deepEqual(delivered, ['r1']);
    assert.equal(t.asked.length, 1);

    t.failOnce(new Error('database down'));
    tc.mock.timers.tick(250);
    await settle();
    assert.equal(errors.length, 1, 'the failure was reported');
    tc.mock.timers.tick(249);
    await settle();
    assert.equal(t.asked.length, 2, 'no retry before the period (no tight loop on a failing database)');
    t.commit(2);
    tc.mock.timers.tick(1);
    await settle();
    assert.equal(t.asked.length, 3, 'and no longer than the period either');
    assert.deepEqual(delivered, ['r1', 'r2']);

    const release = t.holdReads();
    tc.mock.timers.tick(250);
    await settle();
    let stopped = false;
    const stopping = f.stop().then(() => {
      stopped = true;
    });
    await settle();
    assert.equal(stopped, false, 'stop waits for the read under way');
    release();
    await stopping;
    const asked = t.asked.length;
    tc.mock.timers.tick(10_000);
    await settle();
    assert.equal(t.asked.length, asked, 'no read after stop');
    f.start();
    tc.mock.timers.tick(250);
    await settle();
    assert.equal(t.asked.length, asked + 1, 'it can be started again');
    await f.stop();
  });

  it('start() right after stop(), while a read is finishing, still runs one timer', async (tc) => {
    tc.mock.timers.enable({ apis: ['setTimeout'] });
    const t = table();
    const { f } = follower(t, { pollMs: 100 });
    f.start();
    const release = t.holdReads();
    tc.mock.timers.tick(100);
    await settle();
    const stopping = f.stop();
    f.start();
    release();
    await stopping;
    await settle();
    const asked = t.asked.length;
    tc.mock.timers.tick(100);
    await settle();
    assert.equal(t.asked.length, asked + 1, 'one read per period, not two');
    await f.stop();
  });

  it('start() without pollMs is a programming error', () => {
    const { f } = follower(table());
    assert.throws(() => f.start(), /needs pollMs/);
  });
});
