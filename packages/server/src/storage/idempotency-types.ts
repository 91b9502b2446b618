/** Records of the management API's idempotency keys (see migrations/010-idempotency-keys.ts). */

/** Whose key it is: keys of different callers never meet. */
export interface IdempotencyScope {
  companyId: string;
  /** The audit actor (`admin_key:<id>`, `user:<id>`). */
  caller: string;
  /** SHA-256 of the Idempotency-Key as sent. */
  keyHash: string;
}

/** A request about to run under a key. */
export interface IdempotentRequest extends IdempotencyScope {
  /** SHA-256 of the method, path and canonical body. */
  fingerprint: string;
  /** Random per attempt: only its holder may complete or release the record. */
  leaseId: string;
  /** How long the request may stay in flight before another may take the key over. */
  leaseUntil: Date;
  /** When the record (and the answer it keeps) goes. */
  expiresAt: Date;
}

/** The record holding a key: in flight (status null) or answered. */
export interface IdempotencyRecord {
  fingerprint: string;
  status: number | null;
  /** The sealed answer; null while in flight. */
  response: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * `started`: this caller holds the key and runs the request. `held`: a live record holds it
 * (another request in flight, or the answer to replay); the caller compares fingerprints.
 */
export type IdempotencyBegin = { outcome: 'started' } | { outcome: 'held'; record: IdempotencyRecord };

/** The answer to keep for replays. */
export interface IdempotentAnswer {
  status: number;
  /** Sealed headers and body. */
  response: string;
}
