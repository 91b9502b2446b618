import { type Kysely, Migrator, sql } from 'kysely';
import type {
  AuthorizationCode,
  AuthorizationFlow,
  OpaqueAccessToken,
  RefreshToken,
  Session,
} from '../authorization-types.ts';
import { migrationProvider } from '../migrations/index.ts';
import type { Database } from '../schema.ts';
import type {
  AttemptOutcome,
  AuditFilter,
  DeliveryFilter,
  GrantPageRequest,
  MutationOptions,
  NewApp,
  NewAppSecret,
  Storage,
} from '../storage.ts';
import type {
  AdminKey,
  AppLogo,
  AuditEventInput,
  Company,
  DomainEventInput,
  Grant,
  PageRequest,
  RevocationInput,
  Role,
  SigningKey,
  User,
  WebhookEndpoint,
} from '../types.ts';
import * as adminKeys from './admin-keys.ts';
import { insertApp, removeApp, rotateSecret, selectAppWithSecrets, touchApps, touchGrants } from './apps.ts';
import { connect, type Dialect } from './connect.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { revokeGrant, upsertGrant } from './grants.ts';
import { pruneExpired } from './housekeeping.ts';
import { insertLogo, removeLogo, selectLogo } from './logos.ts';
import { toApp, toAuditEvent, toCompany, toGrant, toMembership, toSigningKey, toUser } from './mappers.ts';
import * as opaque from './opaque-tokens.ts';
import { pageApps, pageGrants } from './pages.ts';
import { insertRevocations, selectRevocationsSince } from './revocations.ts';
import * as sessions from './sessions.ts';
import * as tokens from './tokens.ts';
import { insertAudit, invalidate } from './tx.ts';
import {
  claimDueDeliveries,
  listAttempts,
  listDeliveries,
  recordAttempt,
  toDelivery,
  toEndpoint,
} from './webhooks.ts';

/** The Storage implementation for SQLite (better-sqlite3) and PostgreSQL (pg), via Kysely. */
export class SqlStorage implements Storage {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
  ) {}

  async migrate(): Promise<void> {
    if (this.dialect === 'postgres') return runMigrations(this.db, this.dialect);
    // Kysely runs SQLite migrations outside a transaction and without a lock, so a crash
    // mid-way would leave a half-built schema and two processes (server and CLI) starting
    // together would both build it. BEGIN IMMEDIATE takes SQLite's write lock up front
    // (waiting out the other writer through busy_timeout) and makes the whole run atomic.
    await this.db.connection().execute(async (conn) => {
      await beginImmediate(conn);
      try {
        await runMigrations(conn, this.dialect);
        await sql`COMMIT`.execute(conn);
      } catch (err) {
        await sql`ROLLBACK`.execute(conn);
        throw err;
      }
    });
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

  getAppById(appId: string) {
    return selectAppWithSecrets(this.db, { appId });
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
      .execute((tx) => rotateSecret(tx, companyId, appId, secret, graceUntil, opts.audit, opts.events));
  }

  deleteApp(companyId: string, appId: string, opts: MutationOptions = {}) {
    return this.db.transaction().execute((tx) => removeApp(tx, companyId, appId, opts.audit, opts.events));
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
    return this.db.transaction().execute((tx) => upsertGrant(tx, grant, opts.audit, opts.events));
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

  async touchGrants(stamps: ReadonlyMap<string, Date>) {
    if (stamps.size === 0) return;
    await this.db.transaction().execute((tx) => touchGrants(tx, stamps));
  }

  revokeGrant(companyId: string, grantId: string, opts: MutationOptions = {}) {
    return this.db
      .transaction()
      .execute((tx) => revokeGrant(tx, companyId, grantId, opts.audit, opts.events));
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

  // webhooks
  async createWebhookEndpoint(
    e: Omit<WebhookEndpoint, 'createdAt' | 'disabledAt'>,
    opts: MutationOptions = {},
  ) {
    return this.audited(async (tx) => {
      const now = Date.now();
      await tx
        .insertInto('webhook_endpoints')
        .values({
          id: e.id,
          company_id: e.companyId,
          app_id: e.appId,
          url: e.url,
          events: JSON.stringify(e.events),
          description: e.description,
          secret_encrypted: e.secretEncrypted,
          secret_last4: e.secretLast4,
          created_at: now,
          disabled_at: null,
        })
        .execute();
      return { ...e, createdAt: new Date(now), disabledAt: null };
    }, opts.audit);
  }

  async listWebhookEndpoints(companyId: string) {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toEndpoint);
  }

  async getWebhookEndpoint(companyId: string, id: string) {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async getWebhookEndpointById(id: string) {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  deleteWebhookEndpoint(companyId: string, id: string, opts: MutationOptions = {}) {
    return this.audited(async (tx) => {
      const res = await tx
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .where('company_id', '=', companyId)
        .executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    }, opts.audit);
  }

  claimDueDeliveries(now: Date, limit: number, leaseMs: number) {
    return this.db.transaction().execute((tx) => claimDueDeliveries(tx, now.getTime(), limit, leaseMs));
  }

  recordDeliveryAttempt(deliveryId: string, outcome: AttemptOutcome) {
    return this.db.transaction().execute((tx) => recordAttempt(tx, deliveryId, outcome));
  }

  listWebhookDeliveries(companyId: string, filter: DeliveryFilter = {}) {
    return listDeliveries(this.db, companyId, filter);
  }

  listWebhookAttempts(companyId: string, deliveryId: string) {
    return listAttempts(this.db, companyId, deliveryId);
  }

  async nextDeliveryDue() {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('due'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : new Date(Number(row.due));
  }

  // revocation feed
  async recordRevocations(entries: RevocationInput[]) {
    await this.db.transaction().execute((tx) => insertRevocations(tx, entries));
  }

  revocationsSince(seq: number, limit = 1000) {
    return selectRevocationsSince(this.db, seq, Math.min(Math.max(limit, 1), 5000));
  }

  async pruneRevocations(now = new Date()) {
    await this.db.deleteFrom('revocations').where('expires_at', '<=', now.getTime()).execute();
  }

  pruneExpired(now = new Date()) {
    return pruneExpired(this.db, now.getTime());
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

  // sessions and authorization flows (sql/sessions.ts)
  createSession(session: Omit<Session, 'createdAt'>) {
    return sessions.insertSession(this.db, session);
  }

  getSession(idHash: string, now = new Date()) {
    return sessions.selectSession(this.db, idHash, now.getTime());
  }

  replaceSession(oldHash: string | null, next: Omit<Session, 'createdAt'>) {
    return this.db.transaction().execute((tx) => sessions.replaceSession(tx, oldHash, next));
  }

  deleteSession(idHash: string) {
    return this.db.transaction().execute((tx) => sessions.deleteSession(tx, idHash));
  }

  createAuthorizationFlow(flow: Omit<AuthorizationFlow, 'createdAt'>) {
    return sessions.insertFlow(this.db, flow);
  }

  getAuthorizationFlow(id: string, sessionHash: string, now = new Date()) {
    return sessions.selectFlow(this.db, id, sessionHash, now.getTime());
  }

  setAuthorizationFlowCompany(id: string, sessionHash: string, companyId: string) {
    return sessions.setFlowCompany(this.db, id, sessionHash, companyId);
  }

  claimAuthorizationFlow(id: string, sessionHash: string, now = new Date()) {
    return this.db.transaction().execute((tx) => sessions.claimFlow(tx, id, sessionHash, now.getTime()));
  }

  // codes, families and refresh tokens (sql/tokens.ts)
  createAuthorizationCode(code: Omit<AuthorizationCode, 'createdAt' | 'consumedAt' | 'familyId'>) {
    return tokens.insertCode(this.db, code);
  }

  getAuthorizationCode(codeHash: string) {
    return tokens.selectCode(this.db, codeHash);
  }

  consumeAuthorizationCode(codeHash: string, family: { id: string; expiresAt: Date }, now = new Date()) {
    return this.db.transaction().execute((tx) => tokens.consumeCode(tx, codeHash, family, now.getTime()));
  }

  recordFamilyAccessToken(familyId: string, jti: string, expiresAt: Date) {
    return this.db
      .transaction()
      .execute((tx) => tokens.recordAccessToken(tx, familyId, jti, expiresAt, Date.now()));
  }

  createRefreshToken(token: Omit<RefreshToken, 'createdAt' | 'rotatedAt'>) {
    return tokens.insertRefresh(this.db, token, Date.now());
  }

  getRefreshToken(tokenHash: string) {
    return tokens.selectRefresh(this.db, tokenHash);
  }

  rotateRefreshToken(
    oldHash: string,
    next: { tokenHash: string; expiresAt: Date },
    now = new Date(),
    opts: { eventsOnReuse?: DomainEventInput[] } = {},
  ) {
    return this.db
      .transaction()
      .execute((tx) => tokens.rotateRefresh(tx, oldHash, next, now.getTime(), opts.eventsOnReuse));
  }

  revokeRefreshFamily(familyId: string, now = new Date()) {
    return this.db.transaction().execute((tx) => tokens.revokeFamily(tx, familyId, now.getTime()));
  }

  async anyAppWithGrantType(grantType: string) {
    const row = await this.db
      .selectFrom('apps')
      .select('id')
      .where('grant_types', 'like', `%${JSON.stringify(grantType)}%`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async isAccessTokenRevoked(jti: string) {
    const row = await this.db
      .selectFrom('revoked_access_tokens')
      .select('jti')
      .where('jti', '=', jti)
      .executeTakeFirst();
    return row !== undefined;
  }

  listRevokedAccessTokens(now = new Date()) {
    return tokens.selectRevokedAccessTokens(this.db, now.getTime());
  }

  // opaque access tokens and single-token revocation (sql/opaque-tokens.ts)
  createOpaqueAccessToken(token: OpaqueAccessToken) {
    return opaque.insertOpaque(this.db, token);
  }

  getOpaqueAccessToken(tokenHash: string) {
    return opaque.selectOpaque(this.db, tokenHash);
  }

  revokeAccessToken(jti: string, expiresAt: Date, now = new Date()) {
    return this.db.transaction().execute((tx) => opaque.revokeJti(tx, jti, expiresAt, now.getTime()));
  }

  // app logos
  putAppLogo(logo: Omit<AppLogo, 'createdAt'>) {
    return insertLogo(this.db, logo);
  }

  getAppLogo(id: string) {
    return selectLogo(this.db, id);
  }

  deleteAppLogo(companyId: string, id: string) {
    return removeLogo(this.db, companyId, id);
  }

  // management API (sql/pages.ts, sql/admin-keys.ts)
  pageApps(companyId: string, page: PageRequest = {}) {
    return pageApps(this.db, companyId, page);
  }

  pageGrantsOfCompany(companyId: string, page: GrantPageRequest = {}) {
    return pageGrants(this.db, companyId, page);
  }

  createAdminKey(key: Omit<AdminKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>, opts: MutationOptions = {}) {
    return this.db.transaction().execute((tx) => adminKeys.insertAdminKey(tx, key, opts.audit));
  }

  async findAdminKeyByHash(keyHash: string) {
    const row = await this.db
      .selectFrom('admin_keys')
      .selectAll()
      .where('key_hash', '=', keyHash)
      .executeTakeFirst();
    return row && adminKeys.toAdminKey(row);
  }

  async getWebhookDelivery(companyId: string, id: string) {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async getAdminKeyById(id: string) {
    const row = await this.db.selectFrom('admin_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && adminKeys.toAdminKey(row);
  }

  async listAdminKeys(companyId: string) {
    const rows = await this.db
      .selectFrom('admin_keys')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(adminKeys.toAdminKey);
  }

  revokeAdminKey(companyId: string, id: string, opts: MutationOptions = {}) {
    return this.db.transaction().execute((tx) => adminKeys.revokeAdminKey(tx, companyId, id, opts.audit));
  }

  touchAdminKey(id: string, at = new Date()) {
    return adminKeys.touchAdminKey(this.db, id, at.getTime());
  }
}

/**
 * BEGIN IMMEDIATE, retried asynchronously: better-sqlite3 waits for a lock synchronously,
 * which would freeze a process whose other connection holds the lock; so wait on the
 * event loop instead, for up to a minute.
 */
async function beginImmediate(conn: Kysely<Database>): Promise<void> {
  const saved = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(conn);
  await sql`PRAGMA busy_timeout = 0`.execute(conn);
  try {
    for (const deadline = Date.now() + 60_000; ; ) {
      try {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } finally {
    await sql.raw(`PRAGMA busy_timeout = ${Number(saved.rows[0]?.timeout ?? 5000)}`).execute(conn);
  }
}

async function runMigrations(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  // Unordered: migrations are numbered by feature and may land out of order on a dev database.
  const migrator = new Migrator({
    db,
    provider: migrationProvider({ dialect }),
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/** Opens storage for a DATABASE_URL (`postgres://...` or `sqlite:path`). Does not migrate. */
export function openStorage(databaseUrl: string, opts: { poolSize?: number } = {}): SqlStorage {
  const { db, dialect } = connect(databaseUrl, opts);
  return new SqlStorage(db, dialect);
}
