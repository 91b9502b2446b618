import type {
  AuthorizationCode,
  AuthorizationFlow,
  FamilyIssue,
  OpaqueAccessToken,
  RefreshToken,
  Session,
} from '../authorization-types.ts';
import type { IdempotencyScope, IdempotentAnswer, IdempotentRequest } from '../idempotency-types.ts';
import type { GrantPageRequest, MutationOptions, Storage } from '../storage.ts';
import type { AdminKey, AppLogo, DomainEventInput, PageRequest, RevocationInput } from '../types.ts';
import * as adminKeys from './admin-keys.ts';
import { AppStorage } from './app-storage.ts';
import { connect, type DatabaseTimeouts } from './connect.ts';
import { pruneExpired } from './housekeeping.ts';
import * as idempotency from './idempotency.ts';
import { insertLogo, removeLogo, selectLogo } from './logos.ts';
import * as opaque from './opaque-tokens.ts';
import { pageApps, pageGrants } from './pages.ts';
import { rotateRefresh } from './refresh-rotation.ts';
import { insertRevocations, selectRevocationsSince } from './revocations.ts';
import * as sessions from './sessions.ts';
import * as tokens from './tokens.ts';
import { toDelivery } from './webhooks.ts';

/**
 * The Storage implementation for SQLite (better-sqlite3) and PostgreSQL (pg), via Kysely:
 * this class adds the revocation feed, housekeeping, invalidations, sessions and flows,
 * codes and tokens, logos and the management API's pages and keys to the chain below it.
 */
export class SqlStorage extends AppStorage implements Storage {
  // revocation feed
  async recordRevocations(entries: RevocationInput[]) {
    await this.revoking((tx) => insertRevocations(tx, entries));
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

  consumeAuthorizationCode(
    codeHash: string,
    family: { id: string; expiresAt: Date },
    now = new Date(),
    issue?: FamilyIssue,
  ) {
    // `revoking`: recording the access token revokes it at once when its family was revoked meanwhile.
    return this.revoking((tx) => tokens.consumeCode(tx, codeHash, family, now.getTime(), issue));
  }

  recordFamilyAccessToken(familyId: string, jti: string, expiresAt: Date) {
    return this.revoking((tx) => tokens.recordAccessToken(tx, familyId, jti, expiresAt, Date.now()));
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
    opts: {
      eventsOnReuse?: DomainEventInput[];
      accessToken?: FamilyIssue['accessToken'];
      reuseWindowMs?: number;
    } = {},
  ) {
    return this.revoking((tx) => rotateRefresh(tx, oldHash, next, now.getTime(), opts));
  }

  revokeRefreshFamily(familyId: string, now = new Date()) {
    return this.revoking((tx) => tokens.revokeFamily(tx, familyId, now.getTime()));
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
    return this.revoking((tx) => opaque.revokeJti(tx, jti, expiresAt, now.getTime()));
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

  // idempotency keys (sql/idempotency.ts)
  beginIdempotentRequest(req: IdempotentRequest, now = new Date()) {
    return idempotency.beginRequest(this.db, req, now.getTime());
  }

  completeIdempotentRequest(scope: IdempotencyScope, leaseId: string, answer: IdempotentAnswer) {
    return idempotency.completeRequest(this.db, scope, leaseId, answer);
  }

  releaseIdempotentRequest(scope: IdempotencyScope, leaseId: string) {
    return idempotency.releaseRequest(this.db, scope, leaseId);
  }
}

/**
 * Opens storage for a DATABASE_URL (`postgres://...` or `sqlite:path`). Does not migrate.
 * Without `timeouts`, the defaults apply: no caller waits on the database without a bound.
 */
export function openStorage(
  databaseUrl: string,
  opts: { poolSize?: number; timeouts?: DatabaseTimeouts } = {},
): SqlStorage {
  const { db, dialect } = connect(databaseUrl, opts);
  return new SqlStorage(db, dialect);
}
