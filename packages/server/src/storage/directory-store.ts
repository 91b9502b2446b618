import type { MutationOptions } from './common.ts';
import type { Company, Membership, Role, User } from './types.ts';

/** The directory: companies, their users, and who belongs to which company in what role. */
export interface DirectoryStore {
  createCompany(company: Omit<Company, 'createdAt'>, opts?: MutationOptions): Promise<Company>;
  getCompany(id: string): Promise<Company | undefined>;
  /** Oldest first. */
  listCompanies(): Promise<Company[]>;

  /** Refuses a second user whose address differs only in case. */
  createUser(user: Omit<User, 'createdAt'>, opts?: MutationOptions): Promise<User>;
  getUser(id: string): Promise<User | undefined>;
  /** Case-insensitive on the address. */
  getUserByEmail(email: string): Promise<User | undefined>;

  /** Atomic: adds the user to the company, or changes their role there (same membership). */
  putMembership(userId: string, companyId: string, role: Role, opts?: MutationOptions): Promise<Membership>;
  getMembership(userId: string, companyId: string): Promise<Membership | undefined>;
  /** Oldest first (the console opens the first). */
  listMembershipsOfUser(userId: string): Promise<Membership[]>;
  /** Oldest first. */
  listMembersOfCompany(companyId: string): Promise<Membership[]>;
}
