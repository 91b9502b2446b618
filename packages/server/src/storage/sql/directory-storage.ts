import type { AuditFilter, MutationOptions } from '../storage.ts';
import type { AuditEventInput, Company, Role, SigningKey, User } from '../types.ts';
import { SqlStorageBase } from './base-storage.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { toAuditEvent, toCompany, toMembership, toSigningKey, toUser } from './mappers.ts';
import { insertAudit, invalidate } from './tx.ts';

/** Companies, users and memberships, signing keys and the audit log. */
export class DirectoryStorage extends SqlStorageBase {
  // companies
  createCompany(company: Omit<Company, 'createdAt'>, opts: MutationOptions = {}): Promise<Company> {
    return this.audited(async (tx) => {
      const createdAt = Date.now();
      await tx
        .insertInto('companies')
        .values({ id: company.id, name: company.name, plan: company.plan, created_at: createdAt })
        .execute();
      return { ...company, createdAt: new Date(createdAt) };
    }, opts.audit);
  }

  async getCompany(id: string) {
    const row = await this.db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCompany(row);
  }

  async listCompanies() {
    return (await this.db.selectFrom('companies').selectAll().orderBy('created_at').execute()).map(toCompany);
  }

  // users
  createUser(user: Omit<User, 'createdAt'>, opts: MutationOptions = {}): Promise<User> {
    return this.audited(async (tx) => {
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
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async getUserByEmail(email: string) {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email_lower', '=', email.toLowerCase())
      .executeTakeFirst();
    return row && toUser(row);
  }

  putMembership(userId: string, companyId: string, role: Role, opts: MutationOptions = {}) {
    return this.audited(async (tx) => {
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
    const row = await this.db
      .selectFrom('memberships')
      .selectAll()
      .where('user_id', '=', userId)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return row && toMembership(row);
  }

  async listMembershipsOfUser(userId: string) {
    const rows = await this.db
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
    const rows = await this.db
      .selectFrom('memberships')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    return rows.map(toMembership);
  }

  // signing keys
  async listSigningKeys() {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').execute();
    return rows.map(toSigningKey);
  }

  async insertSigningKey(key: Omit<SigningKey, 'createdAt' | 'retiredAt'>) {
    await this.db.transaction().execute(async (tx) => {
      const now = Date.now();
      await tx
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          public_jwk: key.publicJwk,
          private_jwk_encrypted: key.privateJwkEncrypted,
          status: key.status,
          created_at: now,
          retired_at: null,
        })
        .execute();
      await invalidate(tx, ['keys'], now);
    });
  }

  async retireSigningKey(kid: string) {
    await this.db.transaction().execute(async (tx) => {
      const now = Date.now();
      await tx
        .updateTable('signing_keys')
        .set({ status: 'retired', retired_at: now })
        .where('kid', '=', kid)
        .execute();
      await invalidate(tx, ['keys'], now);
    });
  }

  // audit
  appendAuditEvent(event: AuditEventInput) {
    return insertAudit(this.db, event);
  }

  async listAuditEvents(companyId: string, filter: AuditFilter = {}) {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
    let q = this.db.selectFrom('audit_events').selectAll().where('company_id', '=', companyId);
    if (filter.cursor !== undefined) q = q.where('seq', '<', decodeCursor(filter.cursor));
    if (filter.action !== undefined) q = q.where('action', '=', filter.action);
    if (filter.target !== undefined) q = q.where('target', '=', filter.target);
    const rows = await q
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toAuditEvent),
      next: rows.length > limit && last ? encodeCursor(Number(last.seq)) : null,
    };
  }
}
