import type { MutationOptions } from './common.ts';
import type { OperatorKey } from './types.ts';

/** Keys of the operator API (only their SHA-256 and last four are kept). */
export interface OperatorKeyStore {
  /** Atomic: the key and its audit event. `keyHash` is unique. */
  createOperatorKey(
    key: Omit<OperatorKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>,
    opts?: MutationOptions,
  ): Promise<OperatorKey>;
  /** The key with this hash, revoked or not. */
  findOperatorKeyByHash(keyHash: string): Promise<OperatorKey | undefined>;
  /** Newest first, revoked ones included. */
  listOperatorKeys(): Promise<OperatorKey[]>;
  /**
   * Atomic: revokes the key and writes the audit event. Exactly one concurrent caller gets
   * true; false when unknown or already revoked.
   */
  revokeOperatorKey(id: string, opts?: MutationOptions): Promise<boolean>;
  /** Stamps last use (at most about once a minute per key: more frequent stamps are dropped). */
  touchOperatorKey(id: string, at?: Date): Promise<void>;
}
