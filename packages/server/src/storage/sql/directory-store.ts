import type { MutationOptions } from '../common.ts';
import type { DirectoryStore } from '../directory-store.ts';
import type { Company, Role, User } from '../types.ts';
import type { SqlContext } from './context.ts';
import { toCompany, toMembership, toUser } from './mappers.ts';

/** Companies, users and memberships. */
export class SqlDirectoryStore implements DirectoryStore {
  constructor(private readonly ctx: SqlContext) {}

  // companies
  createCompany(company: Omit<Company, 'createdAt'>, opts: MutationOptions = {}): Promise<Company> {
    return this.ctx.audited(async (tx) => {
      const createdAt = Date.now();
      await tx
        .insertInto('companies')
        .values({ id: company.id, name: company.name, plan: company.plan, created_at: createdAt })
        .execute();
      return { ...company, createdAt: new Date(createdAt) };
    }, opts.audit);
  }

  async getCompany(id: string) {
    const row = await this.ctx.db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCompany(row);
  }

  async listCompanies() {
    return (await this.ctx.db.selectFrom('companies').selectAll().orderBy('created_at').execute()).map(
      toCompany,
    );
  }

  // users
  createUser(user: Omit<User, 'createdAt'>, opts: MutationOptions = {}): Promise<User> {
    return this.ctx.audited(async (tx) => {
      const createdAt = Date.now();
      await tx
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          email_lower: user.email.toLowerCase(),
          name: user.name,
          password_hash: user.passwordHash,
          created_at: createdAt,
        })
        .execute();
      return { ...user, createdAt: new Date(createdAt) };
    }, opts.audit);
  }

  async getUser(id: string) {
    const row = await this.ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async getUserByEmail(email: string) {
    const row = await this.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('email_lower', '=', email.toLowerCase())
      .executeTakeFirst();
    return row && toUser(row);
  }

  putMembership(userId: string, companyId: string, role: Role, opts: MutationOptions = {}) {
    return this.ctx.audited(async (tx) => {
      const now = Date.now();
      const existing = await tx
        .selectFrom('memberships')
        .selectAll()
        .where('user_id', '=', userId)
        .where('company_id', '=', companyId)
        .executeTakeFirst();
      if (existing) {
        await tx
          .updateTable('memberships')
          .set({ role })
          .where('user_id', '=', userId)
          .where('company_id', '=', companyId)
          .execute();
        return toMembership({ ...existing, role });
      }
      await tx
        .insertInto('memberships')
        .values({ user_id: userId, company_id: companyId, role, created_at: now })
        .execute();
      return { userId, companyId, role, createdAt: new Date(now) };
    }, opts.audit);
  }

  async getMembership(userId: string, companyId: string) {
    const row = await this.ctx.db
      .selectFrom('memberships')
      .selectAll()
      .where('user_id', '=', userId)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return row && toMembership(row);
  }

  async listMembershipsOfUser(userId: string) {
    const rows = await this.ctx.db
      .selectFrom('memberships')
      .selectAll()
      .where('user_id', '=', userId)
      // Oldest first (the console opens the first); memberships made in the same millisecond
      // in a stable order.
      .orderBy('created_at')
      .orderBy('company_id')
      .execute();
    return rows.map(toMembership);
  }

  async listMembersOfCompany(companyId: string) {
    const rows = await this.ctx.db
      .selectFrom('memberships')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    return rows.map(toMembership);
  }
}
