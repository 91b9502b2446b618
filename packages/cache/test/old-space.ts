import assert from 'node:assert/strict';
import { getHeapSpaceStatistics } from 'node:v8';

const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;

/**
 * Asserts that 300,000 hits on a cache that lives in V8's old generation, as a running
 * server's does, leave (almost) nothing there. A Map that deletes and re-inserts a key on every
 * hit rehashes its table into the old generation once the Map lives there, so a busy cache fed
 * it on every request (docs/benchmarks.md); with the old LRU this grew by about 15 MB.
 * `hit(i)` reads the cache once and returns the value's `n` (1 or 2).
 */
export function assertHitsLeaveNoOldSpaceGarbage(hit: (i: number) => number): void {
  // Survive a few scavenges so the cache and its tables are promoted, as in a running server.
  for (let round = 0; round < 6; round++) {
    const junk: object[] = [];
    for (let i = 0; i < 200_000; i++) junk.push({ i });
  }
  const before = oldSpace();
  let sum = 0;
  for (let i = 0; i < 300_000; i++) sum += hit(i);
  const grown = oldSpace() - before;
  assert.equal(sum, 450_000);
  assert.ok(grown < 1_000_000, `old space grew by ${grown} bytes over 300,000 hits`);
}
