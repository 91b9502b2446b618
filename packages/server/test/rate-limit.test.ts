import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBuckets } from '../src/http/rate-limit.ts';

describe('token buckets', () => {
  it('allows the burst, then asks to wait, then refills', () => {
    const b = new TokenBuckets(1, 2);
    assert.equal(b.take('k', 0), 0);
    assert.equal(b.take('k', 0), 0);
    assert.equal(b.take('k', 0), 1);
    assert.equal(b.take('k', 1000), 0);
  });

  it('a clock stepping backwards does not drain the bucket', () => {
    const b = new TokenBuckets(1, 2);
    assert.equal(b.take('k', 10_000_000), 0);
    assert.equal(b.take('k', 1_000), 0, 'still has its burst after the clock went back');
  });

  it('a rate of 0 disables limiting', () => {
    const b = new TokenBuckets(0, 0);
    for (let i = 0; i < 100; i++) assert.equal(b.take('k', 0), 0);
  });
});
