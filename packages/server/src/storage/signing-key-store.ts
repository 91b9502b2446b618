import type { SigningKey } from './types.ts';

/** A key as inserted: `active` (the first of its algorithm) or `next` (pre-published). */
export type NewSigningKey = Omit<SigningKey, 'retiredAt' | 'activatesAt' | 'status'> & {
  status: 'active' | 'next';
  activatesAt: Date;
};

/**
 * The keys tokens are signed with (private halves sealed under the server secret), and the
 * lease that lets one node at a time carry out their rotation. Every change tells every
 * node's key cache (an invalidation of `keys`, in the change's transaction).
 */
export interface SigningKeyStore {
  /** Oldest first: pending, active and retired keys. */
  listSigningKeys(): Promise<SigningKey[]>;
  /**
   * Refuses a kid that exists already, and a second `next` key for one algorithm (the
   * database holds at most one pending key per algorithm). With `replacePending`, first
   * deletes the algorithm's pending key in the same transaction (the emergency rotation).
   */
  insertSigningKey(key: NewSigningKey, opts?: { replacePending?: boolean }): Promise<void>;
  /**
   * Atomic, exactly one concurrent caller wins: makes the `next` key `kid` the signing key
   * of its algorithm from `now` and retires the algorithm's active key(s) at `now`.
   * Answers the kids it retired, or
   * undefined (changing nothing) when `kid` is no longer a `next` key.
   */
  activateSigningKey(kid: string, now: Date): Promise<string[] | undefined>;
  /**
   * Atomic: deletes the retired key `kid` if it was retired at or before `retiredBy`.
   * False when it is not such a key (already deleted, or retired later).
   */
  deleteRetiredSigningKey(kid: string, retiredBy: Date): Promise<boolean>;
  /**
   * Atomic, exactly one concurrent caller wins: takes (or renews) the key-rotation lease
   * for `holder` until `now + ttlMs`. False while another holder's lease runs.
   */
  claimKeyRotationLease(holder: string, now: Date, ttlMs: number): Promise<boolean>;
}
