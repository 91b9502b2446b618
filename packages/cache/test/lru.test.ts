import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Lru } from '../src/index.ts';
import { assertHitsLeaveNoOldSpaceGarbage } from './old-space.ts';

type Op = { op: 'get' | 'set' | 'delete'; key: number; value: number };

const ops = fc.array(
  fc.record({
    op: fc.constantFrom<Op['op']>('get', 'get', 'set', 'set', 'delete'),
    key: fc.integer({ min: 0, max: 12 }),
    value: fc.integer({ min: 1, max: 1_000_000 }),
  }),
  { maxLength: 200 },
);

describe('Lru', () => {
  test('keeps the ceil(max/2) keys touched last, never returns a stale or deleted value, stays bounded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), ops, (max, list) => {
        const lru = new Lru<number, number>(max);
        const kept = Math.ceil(max / 2);
        // The model: the latest value of each live key, and keys in order of their last touch.
        // A delete is a touch too: the key takes a place among the last touched and gives it
        // to nobody, so deleting newer keys never promises to keep an older one again (the
        // cache may have dropped it already; found with seed 1998794167).
        const values = new Map<number, number>();
        let touched: number[] = [];
        const touch = (k: number) => {
          touched = touched.filter((t) => t !== k);
          touched.push(k);
        };
        for (const { op, key, value } of list) {
          if (op === 'set') {
            lru.set(key, value);
            values.set(key, value);
            touch(key);
          } else if (op === 'delete') {
            lru.delete(key);
            values.delete(key);
            touch(key);
          } else {
            const got = lru.get(key);
            if (got !== undefined) {
              assert.equal(got, values.get(key), 'a hit returns the latest value set');
              touch(key);
            } else {
              assert.ok(
                !values.has(key) || !touched.slice(-kept).includes(key),
                `live key ${key} was among the last ${kept} touched`,
              );
            }
          }
          assert.ok(lru.size <= 2 * kept, `size ${lru.size} > ${2 * kept}`);
          for (const k of touched.slice(-kept)) assert.equal(lru.get(k), values.get(k));
          // Those reads were hits (or misses of deleted keys), in the order already modelled.
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('clear empties both generations', () => {
    const lru = new Lru<string, number>(2);
    for (const [i, k] of ['a', 'b', 'c'].entries()) lru.set(k, i);
    lru.clear();
    assert.equal(lru.size, 0);
    assert.equal(lru.get('b'), undefined);
  });

  // The reason for the two generations: hits must allocate nothing (see old-space.ts).
  test('hits on a long-lived cache leave no garbage in the old generation', () => {
    const lru = new Lru<string, { n: number }>(1000);
    lru.set('client-a', { n: 1 });
    lru.set('client-b', { n: 2 });
    assertHitsLeaveNoOldSpaceGarbage((i) => lru.get(i % 2 ? 'client-a' : 'client-b')!.n);
  });
});
