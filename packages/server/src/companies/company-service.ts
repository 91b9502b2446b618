import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { CompanyPageRequest, DirectoryStore } from '../storage/storage.ts';
import { DuplicateKey } from '../storage/storage.ts';
import type { Company, Membership, Page, Role, User } from '../storage/types.ts';
import { hashPassword } from '../users/password.ts';
import { newId } from '../util/random.ts';
import * as valid from './directory-validation.ts';

export { PLANS } from './directory-validation.ts';
export type { Company };

/** The 409 for a write that would repeat an e-mail address or an external id. */
export function duplicate(err: unknown, what: 'company' | 'user'): never {
  if (err instanceof DuplicateKey)
    throw new ConflictError(
      err.field === 'email' ? 'a user with this email exists' : `another ${what} has this external_id`,
    );
  throw err;
}

/** Companies, their users and memberships. */
export class CompanyService {
  constructor(private readonly storage: DirectoryStore) {}

  async createCompany(
    input: { name: string; plan?: string; id?: string; externalId?: string | null },
    actor: string,
  ): Promise<Company> {
    const name = valid.companyName(input.name);
    const plan = valid.plan(input.plan ?? 'enterprise');
    const externalId = valid.externalId(input.externalId ?? null);
    const id = input.id ?? newId('co');
    return this.storage
      .createCompany(
        { id, name, plan, externalId },
        {
          audit: {
            companyId: id,
            actor,
            action: 'company.created',
            target: `company:${id}`,
            data: { name, plan, external_id: externalId },
          },
        },
      )
      .catch((err: unknown) => duplicate(err, 'company'));
  }

  async getCompany(id: string): Promise<Company> {
    const c = await this.storage.getCompany(id);
    if (!c) throw new NotFoundError('company');
    return c;
  }

  listCompanies(): Promise<Company[]> {
    return this.storage.listCompanies();
  }

  /** Newest first; `name` matches part of the name (any case), `externalId` exactly. */
  pageCompanies(req: CompanyPageRequest): Promise<Page<Company>> {
    return this.storage.pageCompanies(req);
  }

  /**
   * Renames the company, changes its plan (in effect for the next authorization and app
   * creation: plan gating reads the company each time) or its external id. Audited with
   * the values before and after.
   */
  async updateCompany(
    id: string,
    changes: { name?: string; plan?: string; externalId?: string | null },
    actor: string,
  ): Promise<Company> {
    const set = {
      ...(changes.name !== undefined ? { name: valid.companyName(changes.name) } : {}),
      ...(changes.plan !== undefined ? { plan: valid.plan(changes.plan) } : {}),
      ...(changes.externalId !== undefined ? { externalId: valid.externalId(changes.externalId) } : {}),
    };
    const before = await this.getCompany(id);
    const updated = await this.storage
      .updateCompany(id, set, {
        audit: {
          companyId: id,
          actor,
          action: 'company.updated',
          target: `company:${id}`,
          data: changeLog(before, set),
        },
      })
      .catch((err: unknown) => duplicate(err, 'company'));
    if (!updated) throw new NotFoundError('company');
    return updated;
  }

  /**
   * A user, with a password (they sign in with it) or without (an operator sets one later,
   * or they sign in another way); optionally a member of a company at once.
   */
  async createUser(
    input: {
      email: string;
      password?: string;
      name?: string;
      externalId?: string | null;
      /** The caller vouches for the address (the operator API, an upstream provider). */
      emailVerified?: boolean;
      companyId?: string;
      role?: Role;
    },
    actor: string,
  ): Promise<User> {
    const email = valid.email(input.email);
    const password = input.password === undefined ? undefined : valid.password(input.password);
    const name = input.name === undefined ? email.split('@')[0] || email : valid.userName(input.name);
    const externalId = valid.externalId(input.externalId ?? null);
    if (await this.storage.getUserByEmail(email))
      throw new ConflictError(`a user with email ${email} exists`);
    if (input.companyId !== undefined) await this.getCompany(input.companyId);
    const id = newId('usr');
    const user = await this.storage
      .createUser(
        {
          id,
          email,
          name,
          externalId,
          passwordHash: password === undefined ? null : await hashPassword(password),
          ...(input.emailVerified === true ? { emailVerified: true } : {}),
        },
        {
          audit: {
            companyId: input.companyId ?? null,
            actor,
            action: 'user.created',
            target: `user:${id}`,
            data: { email, external_id: externalId },
          },
        },
      )
      .catch((err: unknown) => duplicate(err, 'user'));
    if (input.companyId !== undefined)
      await this.addMembership(user.id, input.companyId, input.role ?? 'member', actor);
    return user;
  }

  /**
   * Gives the user a role in the company, or changes the one they have. Demoting the
   * company's last admin is refused (MembershipService.setRole).
   */
  async addMembership(userId: string, companyId: string, role: Role, actor: string): Promise<Membership> {
    if (role !== 'admin' && role !== 'member')
      throw new ValidationError('role must be admin or member', { role: 'admin or member' });
    if (!(await this.storage.getUser(userId))) throw new NotFoundError('user');
    await this.getCompany(companyId);
    const existing = await this.storage.getMembership(userId, companyId);
    if (existing?.role === 'admin' && role !== 'admin') {
      const change = await this.storage.changeMembership(userId, companyId, role, {
        audit: membershipAudit(companyId, userId, actor, { role, previous: 'admin' }),
      });
      if (change.kind === 'changed') return change.membership;
      if (change.kind === 'last_admin') throw new LastAdmin();
    }
    return this.storage.putMembership(userId, companyId, role, {
      audit: membershipAudit(companyId, userId, actor, { role }),
    });
  }
}

/** 409: the change would leave the company without an admin. */
export class LastAdmin extends ConflictError {
  constructor() {
    super(
      'this user is the last admin of the company: make another member an admin first, then remove or demote this one',
    );
  }
}

export const membershipAudit = (
  companyId: string,
  userId: string,
  actor: string,
  data: Record<string, unknown>,
  action = 'membership.set',
) => ({ companyId, actor, action, target: `user:${userId}`, data });

/**
 * `{ field: { from, to } }` for each field that changes, named as on the wire (`external_id`):
 * the audit record of an update.
 */
export function changeLog<T extends object>(before: T, changes: Partial<T>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, to] of Object.entries(changes)) {
    const from = (before as Record<string, unknown>)[k];
    if (from !== to) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = { from, to };
  }
  return out;
}
