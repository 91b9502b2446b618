import { type Selectable, sql } from 'kysely';
import type { MutationOptions } from '../common.ts';
import type { NewInitialAccessToken, RegistrationStore } from '../registration-store.ts';
import type { Database } from '../schema.ts';
import type { InitialAccessToken } from '../types.ts';
import type { SqlContext } from './context.ts';
import { toApp } from './mappers.ts';
import { insertAudit } from './tx.ts';

const list = (s: string | null) => (s === null ? null : (JSON.parse(s) as string[]));
const maybeDate = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

const toToken = (r: Selectable<Database['initial_access_tokens']>): InitialAccessToken => ({
  id: r.id,
  companyId: r.company_id,
  name: r.name,
  tokenHash: r.token_hash,
  last4: r.last4,
  allowedGrantTypes: list(r.allowed_grant_types),
  allowedScopes: list(r.allowed_scopes),
  redirectUriPatterns: list(r.redirect_uri_patterns),
  maxApps: r.max_apps === null ? null : Number(r.max_apps),
  uses: Number(r.uses),
  expiresAt: maybeDate(r.expires_at),
  createdBy: r.created_by,
  createdAt: new Date(Number(r.created_at)),
  revokedAt: maybeDate(r.revoked_at),
});

/** One token by id, company and/or hash. */
async function one(ctx: SqlContext, where: { id?: string; companyId?: string; tokenHash?: string }) {
  let q = ctx.db.selectFrom('initial_access_tokens').selectAll();
  if (where.id !== undefined) q = q.where('id', '=', where.id);
  if (where.companyId !== undefined) q = q.where('company_id', '=', where.companyId);
  if (where.tokenHash !== undefined) q = q.where('token_hash', '=', where.tokenHash);
  const row = await q.executeTakeFirst();
  return row && toToken(row);
}

const json = (a: string[] | null) => (a === null ? null : JSON.stringify(a));

/** Initial access tokens and the apps' registration access tokens (RFC 7591, 7592). */
export class SqlRegistrationStore implements RegistrationStore {
  constructor(private readonly ctx: SqlContext) {}

  createInitialAccessToken(token: NewInitialAccessToken, opts: MutationOptions = {}) {
    return this.ctx.transaction(async (tx) => {
      const now = Date.now();
      await tx
        .insertInto('initial_access_tokens')
        .values({
          id: token.id,
          company_id: token.companyId,
          name: token.name,
          token_hash: token.tokenHash,
          last4: token.last4,
          allowed_grant_types: json(token.allowedGrantTypes),
          allowed_scopes: json(token.allowedScopes),
          redirect_uri_patterns: json(token.redirectUriPatterns),
          max_apps: token.maxApps,
          uses: 0,
          expires_at: token.expiresAt?.getTime() ?? null,
          created_by: token.createdBy,
          created_at: now,
          revoked_at: null,
        })
        .execute();
      if (opts.audit) await insertAudit(tx, opts.audit, now);
      return { ...token, uses: 0, createdAt: new Date(now), revokedAt: null };
    });
  }

  findInitialAccessTokenByHash(tokenHash: string) {
    return one(this.ctx, { tokenHash });
  }

  getInitialAccessToken(companyId: string, id: string) {
    return one(this.ctx, { companyId, id });
  }

  getInitialAccessTokenById(id: string) {
    return one(this.ctx, { id });
  }

  async listInitialAccessTokens(companyId: string) {
    const rows = await this.ctx.db
      .selectFrom('initial_access_tokens')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toToken);
  }

  revokeInitialAccessToken(companyId: string, id: string, opts: MutationOptions = {}) {
    return this.ctx.transaction(async (tx) => {
      const now = Date.now();
      const res = await tx
        .updateTable('initial_access_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('company_id', '=', companyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      if (opts.audit) await insertAudit(tx, opts.audit, now);
      return true;
    });
  }

  async claimInitialAccessTokenUse(id: string, now = new Date()) {
    // One conditional UPDATE: the database serialises concurrent claims on the row, and each
    // re-checks `uses < max_apps` against the count the previous one left.
    const res = await this.ctx.db
      .updateTable('initial_access_tokens')
      .set({ uses: sql`uses + 1` })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.getTime())]))
      .where((eb) => eb.or([eb('max_apps', 'is', null), eb('uses', '<', eb.ref('max_apps'))]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async releaseInitialAccessTokenUse(id: string) {
    await this.ctx.db
      .updateTable('initial_access_tokens')
      .set({ uses: sql`uses - 1` })
      .where('id', '=', id)
      .where('uses', '>', 0)
      .execute();
  }

  async findAppByRegistrationToken(tokenHash: string) {
    const row = await this.ctx.db
      .selectFrom('apps')
      .selectAll()
      .where('registration_token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toApp(row);
  }

  async rotateRegistrationToken(appId: string, expectedHash: string, newHash: string) {
    const res = await this.ctx.db
      .updateTable('apps')
      .set({ registration_token_hash: newHash })
      .where('id', '=', appId)
      .where('registration_token_hash', '=', expectedHash)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
