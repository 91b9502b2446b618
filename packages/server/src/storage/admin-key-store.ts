import type { MutationOptions } from './common.ts';
import type { AdminKey } from './types.ts';

/** Company-scoped keys of the management API (only their SHA-256 and last four are kept). */
export interface AdminKeyStore {
  /** Atomic: the key and its audit event. `keyHash` is unique. */
  createAdminKey(
    key: Omit<AdminKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>,
    opts?: MutationOptions,
  ): Promise<AdminKey>;
  /** The key with this hash, revoked or not, in any company (the key itself names its company). */
  findAdminKeyByHash(keyHash: string): Promise<AdminKey | undefined>;
  /** UNSCOPED, operator-only (the CLI), like getAppById: the key by id in any company. */
  getAdminKeyById(id: string): Promise<AdminKey | undefined>;
  /** The company's keys, newest first, revoked ones included. */
  listAdminKeys(companyId: string): Promise<AdminKey[]>;
  /**
   * Atomic: revokes the key and writes the audit event. Exactly one concurrent caller gets
   * true; false when not this company's or already revoked.
   */
  revokeAdminKey(companyId: string, id: string, opts?: MutationOptions): Promise<boolean>;
  /** Stamps last use (at most about once a minute per key: more frequent stamps are dropped). */
  touchAdminKey(id: string, at?: Date): Promise<void>;
}
