import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExpiringLru } from '../src/index.ts';
import { assertHitsLeaveNoOldSpaceGarbage } from './old-space.ts';

describe('ExpiringLru', () => {
  test('an entry is served until it expires, then forgotten', () => {
    const lru = new ExpiringLru<string>(10);
    lru.set('t', 'claims', 100);
    assert.equal(lru.get('t', 99), 'claims');
    assert.equal(lru.get('t', 100), undefined);
    assert.equal(lru.size, 0);
  });

  test('keeps the entries used last and stays within its bound', () => {
    const lru = new ExpiringLru<number>(4);
    for (let i = 0; i < 50; i++) {
      lru.set(`k${i}`, i, 1000);
      assert.ok(lru.size <= 4);
      // The two keys used last are always there.
      assert.equal(lru.get(`k${i}`, 1), i);
      if (i > 0) assert.equal(lru.get(`k${i - 1}`, 1), i - 1);
    }
  });

  test('an old entry that is used again is kept; one left unused is dropped', () => {
    const lru = new ExpiringLru<string>(4);
    lru.set('hot', 'h', 1000);
    lru.set('cold', 'c', 1000);
    for (let i = 0; i < 10; i++) {
      lru.set(`new${i}`, 'n', 1000);
      assert.equal(lru.get('hot', 1), 'h');
    }
    assert.equal(lru.get('cold', 1), undefined);
  });

  test('deleteWhere drops matching entries from both generations; size 0 caches nothing', () => {
    const lru = new ExpiringLru<string>(2);
    lru.set('a', 'revoked', 1000);
    lru.set('b', 'ok', 1000);
    lru.set('c', 'revoked', 1000);
    lru.deleteWhere((v) => v === 'revoked');
    assert.equal(lru.get('a', 1), undefined);
    assert.equal(lru.get('c', 1), undefined);
    assert.equal(lru.get('b', 1), 'ok');
    const none = new ExpiringLru<string>(0);
    none.set('a', 'x', 1000);
    assert.equal(none.get('a', 1), undefined);
  });

  // The verifier's cache of verified tokens is hit on every request an API serves: a hit must
  // write nothing (see old-space.ts).
  test('hits on a long-lived cache leave no garbage in the old generation', () => {
    const lru = new ExpiringLru<{ n: number }>(1000);
    lru.set('token-a', { n: 1 }, 2_000_000_000);
    lru.set('token-b', { n: 2 }, 2_000_000_000);
    assertHitsLeaveNoOldSpaceGarbage((i) => lru.get(i % 2 ? 'token-a' : 'token-b', 1_700_000_000)!.n);
  });
});
