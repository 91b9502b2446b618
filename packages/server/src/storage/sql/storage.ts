import { type Kysely, Migrator } from 'kysely';
import { migrationProvider } from '../migrations/index.ts';
import type { Database } from '../schema.ts';
import type { AuditFilter, MutationOptions, NewApp, NewAppSecret, Storage } from '../storage.ts';
import type { AuditEventInput, Company, Grant, Role, SigningKey, User } from '../types.ts';
import { insertApp, removeApp, rotateSecret, selectAppWithSecrets, touchApps } from './apps.ts';
import { connect, type Dialect } from './connect.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { revokeGrant, upsertGrant } from './grants.ts';
import { toApp, toAuditEvent, toCompany, toGrant, toMembership, toSigningKey, toUser } from './mappers.ts';
import { insertAudit, invalidate } from './tx.ts';

/** The Storage implementation for SQLite (better-sqlite3) and PostgreSQL (pg), via Kysely. */
export class SqlStorage implements Storage {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
  ) {}

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider({ dialect: this.dialect }) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new Error(`migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
    }
  }

  async ping(): Promise<void> {
    await this.db.selectFrom('companies').select('id').limit(1).execute();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private async audited<T>(fn: (tx: Kysely<Database>) => Promise<T>, audit?: AuditEventInput): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      const out = await fn(tx);
      if (audit) await insertAudit(tx, audit);
      return out;
    });
  }

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
      .orderBy('created_at')
      .execute();
    return rows.map(toMembership);
  }

  async listMembersOfCompany(companyId: string) {
    const rows = await this.db
      .selectFrom('memberships')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at')
      .execute();
    return rows.map(toMembership);
  }

  // apps
  async createApp(app: NewApp, secret: NewAppSecret, opts: MutationOptions = {}) {
    await this.db.transaction().execute((tx) => insertApp(tx, app, secret, opts.audit));
    const created = await selectAppWithSecrets(this.db, { appId: app.id });
    if (!created) throw new Error('app vanished after insert');
    return created;
  }

  findAppByClientId(clientId: string, now = new Date()) {
    return selectAppWithSecrets(this.db, { clientId }, now.getTime());
  }

  getApp(companyId: string, appId: string) {
    return selectAppWithSecrets(this.db, { appId, companyId });
  }

  async listApps(companyId: string) {
    const rows = await this.db
      .selectFrom('apps')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toApp);
  }

  rotateAppSecret(
    companyId: string,
    appId: string,
    secret: NewAppSecret,
    graceUntil: Date,
    opts: MutationOptions = {},
  ) {
    return this.db
      .transaction()
      .execute((tx) => rotateSecret(tx, companyId, appId, secret, graceUntil, opts.audit));
  }

  deleteApp(companyId: string, appId: string, opts: MutationOptions = {}) {
    return this.db.transaction().execute((tx) => removeApp(tx, companyId, appId, opts.audit));
  }

  async touchApps(stamps: ReadonlyMap<string, Date>) {
    if (stamps.size === 0) return;
    await this.db.transaction().execute((tx) => touchApps(tx, stamps));
  }

  // grants
  upsertGrant(
    grant: Pick<Grant, 'id' | 'guid' | 'appId' | 'companyId' | 'scopes' | 'grantedBy'>,
    opts: MutationOptions = {},
  ) {
    return this.db.transaction().execute((tx) => upsertGrant(tx, grant, opts.audit));
  }

  async getGrantByGuid(guid: string) {
    const row = await this.db.selectFrom('grants').selectAll().where('guid', '=', guid).executeTakeFirst();
    return row && toGrant(row);
  }

  async getActiveGrant(appId: string, companyId: string) {
    const row = await this.db
      .selectFrom('grants')
      .selectAll()
      .where('app_id', '=', appId)
      .where('company_id', '=', companyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toGrant(row);
  }

  async listGrantsOfCompany(companyId: string) {
    const rows = await this.db
      .selectFrom('grants')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toGrant);
  }

  async listGrantsOfApp(appId: string) {
    const rows = await this.db
      .selectFrom('grants')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toGrant);
  }

  revokeGrant(companyId: string, grantId: string, opts: MutationOptions = {}) {
    return this.db.transaction().execute((tx) => revokeGrant(tx, companyId, grantId, opts.audit));
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

  // invalidations
  async latestInvalidationSeq() {
    const row = await this.db
      .selectFrom('invalidations')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async invalidationsSince(seq: number, limit = 1000) {
    const rows = await this.db
      .selectFrom('invalidations')
      .select(['seq', 'key'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), key: r.key }));
  }

  async pruneInvalidations(before: Date) {
    await this.db.deleteFrom('invalidations').where('created_at', '<', before.getTime()).execute();
  }
}

/** Opens storage for a DATABASE_URL (`postgres://...` or `sqlite:path`). Does not migrate. */
export function openStorage(databaseUrl: string, opts: { poolSize?: number } = {}): SqlStorage {
  const { db, dialect } = connect(databaseUrl, opts);
  return new SqlStorage(db, dialect);
}
