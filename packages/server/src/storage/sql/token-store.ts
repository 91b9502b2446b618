import type { OpaqueAccessToken, RefreshToken } from '../authorization-types.ts';
import type { RotateRefreshOptions, TokenStore } from '../token-store.ts';
import type { SqlContext } from './context.ts';
import { GroupCommit } from './group-commit.ts';
import * as opaque from './opaque-tokens.ts';
import { rotateRefreshAtOnce } from './pg-token-writes.ts';
import { rotateRefresh } from './refresh-rotation.ts';
import * as tokens from './tokens.ts';

/**
 * Token families, refresh tokens and access-token records (sql/tokens.ts,
 * sql/refresh-rotation.ts), opaque access tokens and single-token revocation
 * (sql/opaque-tokens.ts).
 */
export class SqlTokenStore implements TokenStore {
  /** Opaque tokens issued in one event-loop turn are written together (group commit). */
  private readonly opaqueWrites: GroupCommit<OpaqueAccessToken>;

  constructor(private readonly ctx: SqlContext) {
    this.opaqueWrites = new GroupCommit(
      (rows) => opaque.insertOpaqueMany(ctx.db, rows),
      (row) => opaque.insertOpaque(ctx.db, row),
    );
    ctx.beforeClose(() => this.opaqueWrites.drain());
  }

  recordFamilyAccessToken(familyId: string, jti: string, expiresAt: Date) {
    return this.ctx.revoking((tx) => tokens.recordAccessToken(tx, familyId, jti, expiresAt, Date.now()));
  }

  createRefreshToken(token: Omit<RefreshToken, 'createdAt' | 'rotatedAt'>) {
    return tokens.insertRefresh(this.ctx.db, token, Date.now());
  }

  getRefreshToken(tokenHash: string) {
    return tokens.selectRefresh(this.ctx.db, tokenHash);
  }

  async rotateRefreshToken(
    oldHash: string,
    next: { tokenHash: string; expiresAt: Date },
    now = new Date(),
    opts: RotateRefreshOptions = {},
  ) {
    const snapshot = this.ctx.dialect === 'sqlite';
    // PostgreSQL: the usual rotation in one statement; what it cannot decide, the transaction does.
    if (!snapshot) {
      const done = await rotateRefreshAtOnce(this.ctx.db, oldHash, next, now.getTime(), opts);
      if (done) return done;
    }
    return this.ctx.revoking((tx) => rotateRefresh(tx, oldHash, next, now.getTime(), opts, snapshot));
  }

  revokeRefreshFamily(familyId: string, now = new Date()) {
    return this.ctx.revoking((tx) => tokens.revokeFamily(tx, familyId, now.getTime()));
  }

  async isAccessTokenRevoked(jti: string) {
    const row = await this.ctx.db
      .selectFrom('revoked_access_tokens')
      .select('jti')
      .where('jti', '=', jti)
      .executeTakeFirst();
    return row !== undefined;
  }

  listRevokedAccessTokens(now = new Date()) {
    return tokens.selectRevokedAccessTokens(this.ctx.db, now.getTime());
  }

  /** Resolves once the token's row has committed: an answered token survives a crash. */
  createOpaqueAccessToken(token: OpaqueAccessToken) {
    return this.opaqueWrites.add(token);
  }

  getOpaqueAccessToken(tokenHash: string) {
    return opaque.selectOpaque(this.ctx.db, tokenHash);
  }

  revokeAccessToken(jti: string, expiresAt: Date, now = new Date()) {
    return this.ctx.revoking((tx) => opaque.revokeJti(tx, jti, expiresAt, now.getTime()));
  }

  async useDpopProof(proofHash: string, expiresAt: Date) {
    // ON CONFLICT DO NOTHING is the arbiter on both dialects: one concurrent insert wins.
    const res = await this.ctx.db
      .insertInto('dpop_proofs')
      .values({ proof_hash: proofHash, expires_at: expiresAt.getTime() })
      .onConflict((oc) => oc.column('proof_hash').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}
