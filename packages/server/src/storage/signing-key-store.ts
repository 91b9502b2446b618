import type { SigningKey } from './types.ts';

/** The keys tokens are signed with (private halves sealed under the server secret). */
export interface SigningKeyStore {
  /** Oldest first, retired ones included. */
  listSigningKeys(): Promise<SigningKey[]>;
  /** Refuses a kid that exists already. Tells every node's key cache. */
  insertSigningKey(key: Omit<SigningKey, 'createdAt' | 'retiredAt'>): Promise<void>;
  /** Tells every node's key cache. */
  retireSigningKey(kid: string): Promise<void>;
}
