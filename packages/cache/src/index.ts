/**
 * @gatehouse/cache: the in-memory building blocks the Gatehouse server and
 * @gatehouse/resource-server share, so that each exists once: a bounded two-generation LRU
 * (`Lru`, and `ExpiringLru` with per-entry expiry) and the cursor of a reader following a
 * table by sequence number (`SeqGaps`), which remembers numbers that were skipped so that a
 * row committed late is still read. No dependencies.
 */
export { ExpiringLru } from './expiring-lru.ts';
export { Lru } from './lru.ts';
export { GAP_GRACE_MS, GAP_WINDOW, SeqGaps } from './seq-gaps.ts';
