import { type SqlBool, sql } from 'kysely';
import type { MutationOptions } from '../common.ts';
import type {
  CompanyChanges,
  CompanyPageRequest,
  DirectoryStore,
  NewCompany,
  NewUser,
  UserChanges,
  UserPageRequest,
} from '../directory-store.ts';
import type { Company, Role, User } from '../types.ts';
import type { SqlContext } from './context.ts';
import * as lifecycle from './directory-lifecycle.ts';
import { toCompany, toMembership, toUser } from './mappers.ts';
import { readPage } from './pagination.ts';
import type { Db } from './tx.ts';
import { unique } from './unique.ts';

/** `%`, `_` and the escape itself taken literally in a LIKE pattern. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Companies, users and memberships (directory-lifecycle.ts holds the deletions). */
export class SqlDirectoryStore implements DirectoryStore {
  constructor(private readonly ctx: SqlContext) {}

  // companies
  createCompany(company: NewCompany, opts: MutationOptions = {}): Promise<Company> {
    return unique(() =>
      this.ctx.audited(async (tx) => {
        const createdAt = Date.now();
        const externalId = company.externalId ?? null;
        await tx
          .insertInto('companies')
          .values({
            id: company.id,
            name: company.name,
            plan: company.plan,
            // Named only when set, so that a write in the shape of before migration 011 stays one.
            ...(externalId !== null ? { external_id: externalId } : {}),
            created_at: createdAt,
          })
          .execute();
        return { ...company, externalId, createdAt: new Date(createdAt) };
      }, opts.audit),
    );
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

  pageCompanies(req: CompanyPageRequest = {}) {
    let q = this.ctx.db.selectFrom('companies').selectAll();
    if (req.name !== undefined) {
      const pattern = `%${likeLiteral(req.name.toLowerCase())}%`;
      q = q.where(sql<SqlBool>`lower(name) LIKE ${pattern} ESCAPE '\\'`);
    }
    if (req.externalId !== undefined) q = q.where('external_id', '=', req.externalId);
    return readPage(q, req, toCompany);
  }

  updateCompany(id: string, changes: CompanyChanges, opts: MutationOptions = {}) {
    return unique(() =>
      this.ctx.audited(async (tx) => {
        const set = {
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.plan !== undefined ? { plan: changes.plan } : {}),
          ...(changes.externalId !== undefined ? { external_id: changes.externalId } : {}),
        };
        if (Object.keys(set).length > 0)
          await tx.updateTable('companies').set(set).where('id', '=', id).execute();
        const row = await tx.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
        // No such company: nothing changed, so nothing is audited either.
        if (!row) throw new Missing();
        return toCompany(row);
      }, opts.audit),
    ).catch(absent);
  }

  deleteCompany(id: string, opts: MutationOptions = {}) {
    return this.ctx.revoking((tx) => lifecycle.deleteCompany(tx, id, opts.audit, opts.events));
  }

  // users
  createUser(user: NewUser, opts: MutationOptions = {}): Promise<User> {
    return unique(() => this.ctx.audited((tx) => insertUser(tx, user, Date.now()), opts.audit));
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

  pageUsers(req: UserPageRequest = {}) {
    let q = this.ctx.db.selectFrom('users').selectAll();
    if (req.email !== undefined) q = q.where('email_lower', '=', req.email.toLowerCase());
    if (req.externalId !== undefined) q = q.where('external_id', '=', req.externalId);
    return readPage(q, req, toUser);
  }

  updateUser(id: string, changes: UserChanges, opts: MutationOptions = {}) {
    return unique(() =>
      this.ctx.audited(async (tx) => {
        let verified: { email_verified_at: number | null } | undefined;
        if (changes.emailVerified !== undefined)
          verified = { email_verified_at: changes.emailVerified ? Date.now() : null };
        else if (changes.email !== undefined) {
          const current = await tx
            .selectFrom('users')
            .select('email_lower')
            .where('id', '=', id)
            .executeTakeFirst();
          if (current && current.email_lower !== changes.email.toLowerCase())
            verified = { email_verified_at: null };
        }
        const set = {
          ...(verified ?? {}),
          ...(changes.email !== undefined
            ? { email: changes.email, email_lower: changes.email.toLowerCase() }
            : {}),
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.externalId !== undefined ? { external_id: changes.externalId } : {}),
          ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
        };
        if (Object.keys(set).length > 0)
          await tx.updateTable('users').set(set).where('id', '=', id).execute();
        const row = await tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) throw new Missing();
        return toUser(row);
      }, opts.audit),
    ).catch(absent);
  }

  async setUserDisabled(id: string, disabled: boolean, opts: MutationOptions = {}) {
    const ok = await this.ctx.revoking((tx) => lifecycle.setUserDisabled(tx, id, disabled, opts.audit));
    return ok ? this.getUser(id) : undefined;
  }

  deleteUser(id: string, opts: MutationOptions = {}) {
    return this.ctx.revoking((tx) => lifecycle.deleteUser(tx, id, opts.audit));
  }

  // memberships
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

  changeMembership(userId: string, companyId: string, role: Role | null, opts: MutationOptions = {}) {
    return this.ctx.revoking((tx) =>
      lifecycle.changeMembership(tx, this.ctx.dialect, userId, companyId, role, opts.audit),
    );
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

/** Rolls an update of a row that does not exist back (with its audit event); see `absent`. */
class Missing extends Error {}

const absent = (err: unknown): undefined => {
  if (err instanceof Missing) return undefined;
  throw err;
};

/** Inserts a user (also with an upstream link: SqlExternalIdentityStore) and returns it as stored. */
export async function insertUser(db: Db, user: NewUser, createdAt: number): Promise<User> {
  const externalId = user.externalId ?? null;
  const emailVerifiedAt = user.emailVerified === true ? createdAt : null;
  const { emailVerified: _verified, ...fields } = user;
  await db
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      email_lower: user.email.toLowerCase(),
      name: user.name,
      password_hash: user.passwordHash,
      ...(externalId !== null ? { external_id: externalId } : {}),
      ...(emailVerifiedAt !== null ? { email_verified_at: emailVerifiedAt } : {}),
      created_at: createdAt,
    })
    .execute();
  return {
    ...fields,
    externalId,
    disabledAt: null,
    emailVerifiedAt: emailVerifiedAt === null ? null : new Date(emailVerifiedAt),
    createdAt: new Date(createdAt),
  };
}
