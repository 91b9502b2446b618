import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeqGaps } from '../src/index.ts';

describe('SeqGaps', () => {
  it('reads again from below a missing number until it appears, then forgets it', () => {
    const g = new SeqGaps(10, 1000, 30_000);
    assert.equal(g.take(11, 0), true);
    assert.equal(g.take(13, 0), true);
    assert.equal(g.from, 11, '12 is missing: read again from after 11');
    assert.equal(g.open, 1);
    assert.equal(g.take(13, 0), false, 'read before');
    assert.equal(g.take(12, 1), true, 'the late row');
    assert.equal(g.take(12, 1), false);
    assert.equal(g.from, 13);
    assert.equal(g.head, 13);
    assert.equal(g.open, 0);
  });

  it('gives a missing number up after the grace period, or once far below the head', () => {
    const g = new SeqGaps(0, 5, 30_000);
    g.take(3, 0);
    g.expire(30_000);
    assert.equal(g.from, 0, 'still waited for at 30 s');
    g.expire(30_001);
    assert.equal(g.from, 3);
    g.take(11, 40_000);
    assert.equal(g.from, 5, 'only the 5 numbers below the head are waited for (6 to 10)');
    g.take(20, 40_000);
    g.expire(40_000);
    assert.equal(g.from, 15, 'the window moved with the head (16 to 19)');
  });

  it('a number below the head that is not waited for is not news', () => {
    const g = new SeqGaps(100);
    assert.equal(g.take(50), false, 'at or below the starting head: read before');
    assert.equal(g.take(100), false);
    assert.equal(g.head, 100);
  });
});
