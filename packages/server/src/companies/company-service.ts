import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { DirectoryStore } from '../storage/storage.ts';
import type { Company, Membership, Role, User } from '../storage/types.ts';
import { hashPassword } from '../users/password.ts';
import { newId } from '../util/random.ts';

export const PLANS = ['free', 'pro', 'enterprise'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type { Company };

/** Companies, their users and memberships. */
export class CompanyService {
  constructor(private readonly storage: DirectoryStore) {}

  async createCompany(input: { name: string; plan?: string; id?: string }, actor: string): Promise<Company> {
    const name = input.name.trim();
    const plan = input.plan ?? 'enterprise';
    if (name.length === 0 || name.length > 100)
      throw new ValidationError('company name must be 1 to 100 characters', {
        name: 'must be 1 to 100 characters',
      });
    if (!(PLANS as readonly string[]).includes(plan))
      throw new ValidationError(`plan must be one of ${PLANS.join(', ')}`, { plan: 'unknown plan' });
    const id = input.id ?? newId('co');
    return this.storage.createCompany(
      { id, name, plan },
      {
        audit: {
          companyId: id,
          actor,
          action: 'company.created',
          target: `company:${id}`,
          data: { name, plan },
        },
      },
    );
  }

  async getCompany(id: string): Promise<Company> {
    const c = await this.storage.getCompany(id);
    if (!c) throw new NotFoundError('company');
    return c;
  }

  listCompanies(): Promise<Company[]> {
    return this.storage.listCompanies();
  }

  async createUser(
    input: { email: string; password: string; name?: string; companyId?: string; role?: Role },
    actor: string,
  ): Promise<User> {
    const email = input.email.trim();
    if (!EMAIL.test(email) || email.length > 254)
      throw new ValidationError('email address is not valid', { email: 'not a valid address' });
    if (input.password.length < 12 || input.password.length > 1024)
      throw new ValidationError('password must be 12 to 1024 characters', {
        password: '12 to 1024 characters',
      });
    if (await this.storage.getUserByEmail(email))
      throw new ConflictError(`a user with email ${email} exists`);
    if (input.companyId !== undefined) await this.getCompany(input.companyId);
    const user = await this.storage.createUser({
      id: newId('usr'),
      email,
      name: input.name?.trim() || email.split('@')[0] || email,
      passwordHash: await hashPassword(input.password),
    });
    if (input.companyId !== undefined)
      await this.addMembership(user.id, input.companyId, input.role ?? 'member', actor);
    return user;
  }

  async addMembership(userId: string, companyId: string, role: Role, actor: string): Promise<Membership> {
    if (role !== 'admin' && role !== 'member')
      throw new ValidationError('role must be admin or member', { role: 'admin or member' });
    if (!(await this.storage.getUser(userId))) throw new NotFoundError('user');
    await this.getCompany(companyId);
    return this.storage.putMembership(userId, companyId, role, {
      audit: { companyId, actor, action: 'membership.set', target: `user:${userId}`, data: { role } },
    });
  }
}
