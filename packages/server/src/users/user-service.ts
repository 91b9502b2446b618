import { NotFoundError } from '../errors.ts';
import type { DirectoryStore } from '../storage/storage.ts';
import type { Company, Membership, Role, User } from '../storage/types.ts';

export type { Membership, Role, User };

/** What the user service reads: users, their memberships and the companies those name. */
export type UserStore = Pick<
  DirectoryStore,
  'getUser' | 'getUserByEmail' | 'getCompany' | 'listMembershipsOfUser' | 'listMembersOfCompany'
>;

/**
 * Users and the companies they belong to, as the console, the management API, the CLI and
 * /userinfo read them. Creating users and memberships stays with CompanyService, which
 * checks the company a user joins.
 */
export class UserService {
  constructor(private readonly storage: UserStore) {}

  /** The user, or undefined: a session or a token can outlive its user. */
  get(id: string): Promise<User | undefined> {
    return this.storage.getUser(id);
  }

  /** The user with this sign-in address (case-insensitive), or undefined. */
  byEmail(email: string): Promise<User | undefined> {
    return this.storage.getUserByEmail(email);
  }

  /** The user by id or by sign-in address (case-insensitive); NotFoundError when there is none. */
  async find(by: { id: string } | { email: string }): Promise<User> {
    const user = 'id' in by ? await this.storage.getUser(by.id) : await this.storage.getUserByEmail(by.email);
    if (!user) throw new NotFoundError('user');
    return user;
  }

  memberships(userId: string): Promise<Membership[]> {
    return this.storage.listMembershipsOfUser(userId);
  }

  /** Every company the user belongs to, with their role in it (the console's company switcher). */
  async companies(userId: string): Promise<{ company: Company; role: Role }[]> {
    const out: { company: Company; role: Role }[] = [];
    for (const m of await this.storage.listMembershipsOfUser(userId)) {
      const company = await this.storage.getCompany(m.companyId);
      if (company) out.push({ company, role: m.role });
    }
    return out;
  }

  /** The company's members with their roles. */
  async members(companyId: string): Promise<{ user: User; role: Role }[]> {
    const out: { user: User; role: Role }[] = [];
    for (const m of await this.storage.listMembersOfCompany(companyId)) {
      const user = await this.storage.getUser(m.userId);
      if (user) out.push({ user, role: m.role });
    }
    return out;
  }

  /**
   * The e-mail address of each user referred to, keyed by the reference as given: `user:<id>`
   * (how the audit log names a user actor) or a bare id (how a grant records who approved it).
   * Other actors (`cli`, `system`, `admin_key:<id>`) and users since deleted are left out.
   */
  async emailsOf(refs: Iterable<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const ref of new Set(refs)) {
      const id = userIdOf(ref);
      const user = id === undefined ? undefined : await this.storage.getUser(id);
      if (user) out.set(ref, user.email);
    }
    return out;
  }
}

const NOT_USERS = new Set(['cli', 'system']);

function userIdOf(ref: string): string | undefined {
  if (ref.startsWith('user:')) return ref.slice('user:'.length);
  return ref.includes(':') || NOT_USERS.has(ref) ? undefined : ref;
}
