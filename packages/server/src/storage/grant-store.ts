import type { MutationOptions } from './common.ts';
import type { Grant, Page, PageRequest } from './types.ts';

/** What a caller supplies for a new company grant; the storage stamps the rest. */
export type NewGrant = Pick<Grant, 'id' | 'guid' | 'appId' | 'companyId' | 'scopes' | 'grantedBy'>;

export interface GrantPageRequest extends PageRequest {
  /** true: only active grants; false: only revoked ones; absent: both. */
  active?: boolean;
}

/**
 * Company grants: what a company approved an app to do on its behalf (its consent, shown
 * in Connected Apps). Not to be confused with OAuth grant types (oauth/grants/).
 */
export interface GrantStore {
  /**
   * Atomic: creates the grant of an app to a company, or, if one is active, replaces its
   * scopes with `scopes` and returns it with the same id and GUID.
   */
  upsertGrant(grant: NewGrant, opts?: MutationOptions): Promise<Grant>;
  getGrantByGuid(guid: string): Promise<Grant | undefined>;
  /**
   * By id, revoked or not. The token inspector checks with it the grant of a token issued by
   * an exchange (RFC 8693), which belongs to the subject token's app, not the token's own.
   */
  getGrantById(grantId: string): Promise<Grant | undefined>;
  getActiveGrant(appId: string, companyId: string): Promise<Grant | undefined>;
  /** Newest first, revoked ones included. */
  listGrantsOfCompany(companyId: string): Promise<Grant[]>;
  /** Newest first, revoked ones included. */
  listGrantsOfApp(appId: string): Promise<Grant[]>;
  /** Grants to the company, newest first, optionally only active or only revoked ones. */
  pageGrantsOfCompany(companyId: string, page?: GrantPageRequest): Promise<Page<Grant>>;
  /** Batched last-used stamps of grants (written off the hot path); unknown ids are ignored. */
  touchGrants(stamps: ReadonlyMap<string, Date>): Promise<void>;
  /**
   * Atomic: marks the grant revoked and appends its revocations to the feed. Exactly one
   * concurrent caller gets true; false when it is not this company's or already revoked.
   */
  revokeGrant(companyId: string, grantId: string, opts?: MutationOptions): Promise<boolean>;
}
