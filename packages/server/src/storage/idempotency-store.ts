import type {
  IdempotencyBegin,
  IdempotencyScope,
  IdempotentAnswer,
  IdempotentRequest,
} from './idempotency-types.ts';

/** Idempotency keys of the management API: one request runs per key, its answer is replayed. */
export interface IdempotencyStore {
  /**
   * Atomic: claims the caller's key for this request. Exactly one concurrent caller gets
   * `started` (for a new key, or one whose record is past its expiry or in flight past its
   * lease); every other gets `held` with the live record (in flight, or answered).
   */
  beginIdempotentRequest(req: IdempotentRequest, now?: Date): Promise<IdempotencyBegin>;
  /** Atomic: keeps the answer, only if `leaseId` still holds the key in flight (else false). */
  completeIdempotentRequest(
    scope: IdempotencyScope,
    leaseId: string,
    answer: IdempotentAnswer,
  ): Promise<boolean>;
  /** Atomic: frees the key of an answer that is not kept, only if `leaseId` still holds it in flight. */
  releaseIdempotentRequest(scope: IdempotencyScope, leaseId: string): Promise<boolean>;
}
