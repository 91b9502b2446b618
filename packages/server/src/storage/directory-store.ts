import type { MutationOptions } from './common.ts';
import type { Company, Membership, Page, PageRequest, Role, User } from './types.ts';

/** A new company: `externalId` may be left out (none). */
export type NewCompany = Omit<Company, 'createdAt' | 'externalId'> & { externalId?: string | null };
/** A new user: `externalId` may be left out (none); a new user is never disabled. */
export type NewUser = Omit<User, 'createdAt' | 'externalId' | 'disabledAt' | 'emailVerifiedAt'> & {
  externalId?: string | null;
  /** True when the address is known to be the person's (an upstream or the operator says so). */
  emailVerified?: boolean;
};

/** What an update of a company changes; absent fields stay. `externalId: null` clears it. */
export type CompanyChanges = Partial<Pick<Company, 'name' | 'plan' | 'externalId'>>;
/**
 * What an update of a user changes; absent fields stay. A changed address is unverified
 * again unless `emailVerified` says otherwise; `emailVerified` alone marks the current one.
 */
export type UserChanges = Partial<Pick<User, 'email' | 'name' | 'externalId' | 'passwordHash'>> & {
  emailVerified?: boolean;
};

export interface CompanyPageRequest extends PageRequest {
  /** Only companies whose name contains this, case-insensitively. */
  name?: string;
  /** Only the company with this external id. */
  externalId?: string;
}

export interface UserPageRequest extends PageRequest {
  /** Only the user with this address (case-insensitive). */
  email?: string;
  /** Only the user with this external id. */
  externalId?: string;
}

/** What a guarded membership change came to. */
export type MembershipChange =
  | { kind: 'changed'; membership: Membership; previous: Role }
  | { kind: 'removed'; previous: Role }
  | { kind: 'not_found' }
  /** The user is the company's only admin: neither removed nor demoted. */
  | { kind: 'last_admin' };

/**
 * The directory: companies, their users, and who belongs to which company in what role.
 * Writes that would duplicate an e-mail address or an external id throw DuplicateKey.
 */
export interface DirectoryStore {
  createCompany(company: NewCompany, opts?: MutationOptions): Promise<Company>;
  getCompany(id: string): Promise<Company | undefined>;
  /** Oldest first. */
  listCompanies(): Promise<Company[]>;
  /** Newest first, optionally filtered. Throws InvalidCursor on a cursor this storage did not make. */
  pageCompanies(page?: CompanyPageRequest): Promise<Page<Company>>;
  /** Atomic with its audit event; undefined when there is no such company. */
  updateCompany(id: string, changes: CompanyChanges, opts?: MutationOptions): Promise<Company | undefined>;
  /**
   * Atomic: deletes the company and everything that is its own (memberships, apps with their
   * secrets and grants, the grants it gave, webhook endpoints, admin keys, logos, idempotency
   * keys); appends to the revocation feed every grant it gave, every app's client and every
   * token family issued for it; keeps its audit events, marked deleted. The audit event and
   * webhook events of `opts` commit with it. Exactly one concurrent caller gets true.
   */
  deleteCompany(id: string, opts?: MutationOptions): Promise<boolean>;

  createUser(user: NewUser, opts?: MutationOptions): Promise<User>;
  getUser(id: string): Promise<User | undefined>;
  /** Case-insensitive on the address. */
  getUserByEmail(email: string): Promise<User | undefined>;
  /** Newest first, optionally filtered. Throws InvalidCursor on a cursor this storage did not make. */
  pageUsers(page?: UserPageRequest): Promise<Page<User>>;
  /** Atomic with its audit event; undefined when there is no such user. */
  updateUser(id: string, changes: UserChanges, opts?: MutationOptions): Promise<User | undefined>;
  /**
   * Atomic: disables the user (ending their sessions and pending flows, and revoking their
   * token families onto the feed) or enables them again. Undefined when there is no such user.
   */
  setUserDisabled(id: string, disabled: boolean, opts?: MutationOptions): Promise<User | undefined>;
  /**
   * Atomic: deletes the user, their sessions, pending flows, unused authorization codes and
   * memberships, and revokes their token families onto the feed. The company grants they gave
   * stay (they are the company's; `grantedBy` still names them). Exactly one concurrent
   * caller gets true.
   */
  deleteUser(id: string, opts?: MutationOptions): Promise<boolean>;

  /** Atomic: adds the user to the company, or changes their role there (same membership). */
  putMembership(userId: string, companyId: string, role: Role, opts?: MutationOptions): Promise<Membership>;
  /**
   * Atomic, one change per company at a time: sets the role of an existing membership, or
   * removes it (`role` null), unless that would leave the company without an admin when it
   * has one now. Removing a membership revokes the user's token families for that company.
   * The audit event commits only with a change.
   */
  changeMembership(
    userId: string,
    companyId: string,
    role: Role | null,
    opts?: MutationOptions,
  ): Promise<MembershipChange>;
  getMembership(userId: string, companyId: string): Promise<Membership | undefined>;
  /** Oldest first (the console opens the first). */
  listMembershipsOfUser(userId: string): Promise<Membership[]>;
  /** Oldest first. */
  listMembersOfCompany(companyId: string): Promise<Membership[]>;
}
