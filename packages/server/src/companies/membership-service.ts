import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { DirectoryStore } from '../storage/storage.ts';
import type { Membership, Role } from '../storage/types.ts';
import { LastAdmin, membershipAudit } from './company-service.ts';
import * as valid from './directory-validation.ts';

const ROLES: readonly string[] = ['admin', 'member'];

function role(raw: string): Role {
  if (!ROLES.includes(raw))
    throw new ValidationError('role must be admin or member', { role: 'admin or member' });
  return raw as Role;
}

/**
 * Memberships as the operator manages them: add, change role, remove. A role's powers end
 * the moment it is taken away: every check (console, management API, consent) reads the
 * membership per request; removal also revokes the user's token families for the company.
 * The last admin of a company can be neither removed nor demoted (409).
 */
export class MembershipService {
  constructor(private readonly storage: DirectoryStore) {}

  /** A new membership; 409 when the user already belongs to the company. */
  async add(userId: string, companyId: string, raw: string, actor: string): Promise<Membership> {
    const r = role(raw);
    if (!(await this.storage.getCompany(companyId))) throw new NotFoundError('company');
    if (!(await this.storage.getUser(userId))) throw new NotFoundError('user');
    if (await this.storage.getMembership(userId, companyId))
      throw new ConflictError('the user already belongs to this company: change their role instead');
    return this.storage.putMembership(userId, companyId, r, {
      audit: membershipAudit(companyId, userId, actor, { role: r }, 'membership.added'),
    });
  }

  /**
   * add() for the user with this sign-in address (the console's Members page): 400 for an
   * address that is not one, 404 when no user has it, 409 when they already belong.
   */
  async addByEmail(email: string, companyId: string, raw: string, actor: string): Promise<Membership> {
    const r = role(raw);
    const user = await this.storage.getUserByEmail(valid.email(email));
    if (!user) throw new NotFoundError('user');
    return this.add(user.id, companyId, r, actor);
  }

  async setRole(userId: string, companyId: string, raw: string, actor: string): Promise<Membership> {
    const r = role(raw);
    const change = await this.storage.changeMembership(userId, companyId, r, {
      audit: membershipAudit(companyId, userId, actor, { role: r }, 'membership.role_changed'),
    });
    if (change.kind === 'last_admin') throw new LastAdmin();
    if (change.kind !== 'changed') throw new NotFoundError('membership');
    return change.membership;
  }

  async remove(userId: string, companyId: string, actor: string): Promise<void> {
    const change = await this.storage.changeMembership(userId, companyId, null, {
      audit: membershipAudit(companyId, userId, actor, {}, 'membership.removed'),
    });
    if (change.kind === 'last_admin') throw new LastAdmin();
    if (change.kind !== 'removed') throw new NotFoundError('membership');
  }

  /** The company's memberships, oldest first; 404 for an unknown company. */
  async list(companyId: string): Promise<Membership[]> {
    if (!(await this.storage.getCompany(companyId))) throw new NotFoundError('company');
    return this.storage.listMembersOfCompany(companyId);
  }
}
