import { Lru } from '@gatehouse/cache';
import { createLocalJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { AppService } from '../apps/app-service.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { ActClaim, RefreshToken, TokenFamily } from '../storage/authorization-types.ts';
import type { GrantStore, TokenStore } from '../storage/storage.ts';
import { type AppWithSecrets, SIGNING_ALGS } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { SecretPrefix } from '../util/secrets.ts';
import { actClaim } from './act-claim.ts';
import type { RevocationIndex } from './revocation-index.ts';
import { revocationHash } from './revocation-keys.ts';

/** An access token Gatehouse issued (signature verified, or found by hash), with its claims. */
export interface FoundAccessToken {
  kind: 'access';
  format: 'jwt' | 'opaque';
  jti: string;
  clientId: string;
  subject: string;
  scopes: string[];
  companyId?: string;
  grantId?: string;
  /** The refresh-token family it was issued from (opaque record, or the `fid` claim). */
  familyId?: string;
  /** The DPoP key thumbprint the token is bound to (`cnf.jkt`, or the opaque record's). */
  jkt?: string;
  /** The resource (RFC 8707) it was narrowed to, when not the default audience. */
  audience?: string;
  /** Who acts for the subject, when a token exchange issued it (RFC 8693 4.1). */
  act?: ActClaim;
  issuedAt: Date;
  expiresAt: Date;
}

/** A refresh token Gatehouse issued, found by its hash, with its family. */
export interface FoundRefreshToken {
  kind: 'refresh';
  token: RefreshToken;
  family: TokenFamily;
}

export type FoundToken = FoundAccessToken | FoundRefreshToken;

/** Whether a found token may still be used, and the grant behind it when there is one. */
export type TokenState =
  | { active: false }
  | { active: true; app: AppWithSecrets; grant?: { id: string; guid: string } };

/** Longest token we look up: anything longer is none of ours and costs no hashing or parsing. */
const MAX_TOKEN_LENGTH = 8192;

/**
 * Finds what a presented token is and whether it is still good: the shared core of the
 * revocation (RFC 7009) and introspection (RFC 7662) endpoints. A JWT counts only if its
 * signature verifies with our keys, for our issuer and audience; opaque and refresh tokens
 * are looked up by SHA-256. Active means unexpired, not revoked (the token's jti, or its
 * refresh family), its app not deleted and its grant not revoked.
 */
export class TokenInspector {
  private jwks: { kids: string; getKey: JWTVerifyGetKey } | undefined;
  /**
   * JWTs whose signature and claims already verified, by SHA-256 of the exact token, until
   * they expire. Resource servers introspect the same token again and again; a hit skips only
   * the signature check: revocation, app and grant are still checked on every call (state()).
   * Cleared when the key set changes.
   */
  private readonly verified = new Lru<string, FoundAccessToken>(10_000);
  /**
   * Opaque access-token records by SHA-256 of the token, until they expire. A record never
   * changes after issuance: revocation, app and grant are checked on every call (state()).
   * Unknown tokens are never remembered (one may be issued on another node a moment later).
   */
  private readonly opaque = new Lru<string, FoundAccessToken>(10_000);
  /** Feed hashes (`jti`, `family`) that revoke a found access token, computed once per token. */
  private readonly revocationKeys = new WeakMap<FoundAccessToken, string[]>();
  /**
   * Grants once read active, by id, with what never changes about them (app, company, GUID)
   * and their feed hash. Whether one is still active comes from the revocation index: a
   * grant stops being active only by revocation or app deletion, both of which write
   * `grant:<id>` to the feed, alive for longer than any access token issued under it.
   */
  private readonly grants = new Lru<string, { appId: string; companyId: string; guid: string; key: string }>(
    10_000,
  );

  constructor(
    private readonly deps: {
      storage: TokenStore & Pick<GrantStore, 'getActiveGrant' | 'getGrantById'>;
      apps: AppService;
      keys: KeyStore;
      issuer: string;
      audience: string;
      /** The registered resources' URIs (RFC 8707): tokens narrowed to one carry it as `aud`. */
      resourceAudiences?: readonly string[];
      /** Revocation state in memory; without it (or while it cannot tell) the database is asked. */
      revocations?: RevocationIndex;
    },
  ) {}

  /**
   * The token, or undefined when it is none of ours (or an expired JWT: nothing is left to
   * revoke or report). The hint only orders the look-ups: it is never trusted (RFC 7009 2.1).
   */
  async find(token: string, hint?: string): Promise<FoundToken | undefined> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    const access = () => this.access(token);
    const refresh = () => this.refresh(token);
    const order: Array<() => Promise<FoundToken | undefined>> =
      hint === 'refresh_token' ? [refresh, access] : [access, refresh];
    for (const look of order) {
      const found = await look();
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Whether the token is still good. A refresh token is only ever shown to the app it was
   * issued to, `caller`, which has just authenticated (so it exists).
   */
  async state(found: FoundToken, caller: AppWithSecrets, now = Date.now()): Promise<TokenState> {
    const { apps } = this.deps;
    if (found.kind === 'refresh') {
      const { token, family } = found;
      if (family.appId !== caller.id) return { active: false };
      if (token.rotatedAt !== null || family.revokedAt !== null) return { active: false };
      if (token.expiresAt.getTime() <= now || family.expiresAt.getTime() <= now) return { active: false };
      // Refresh tokens outlive the feed's grant entries: their grant is read every time.
      return this.withGrant(caller, family.companyId, family.grantId, false);
    }
    if (found.expiresAt.getTime() <= now) return { active: false };
    if (await this.isRevoked(found)) return { active: false };
    const app = await apps.findByClientId(found.clientId);
    if (!app) return { active: false };
    // An exchanged token (RFC 8693) keeps its subject token's grant, which is another app's.
    if (found.act !== undefined) return this.withExchangedGrant(app, found.companyId, found.grantId);
    return this.withGrant(app, found.companyId, found.grantId, true);
  }

  /**
   * Whether the access token with this jti was revoked, as the database holds it now (no
   * index, no cache): the grant-resolution endpoint's check of the token it is called with.
   */
  accessTokenRevoked(jti: string): Promise<boolean> {
    return this.deps.storage.isAccessTokenRevoked(jti);
  }

  /**
   * Whether the access token's jti (or its refresh family) was revoked: from memory when the
   * revocation index can tell (after catching up on a revocation this process just made),
   * else from the database.
   */
  private async isRevoked(found: FoundAccessToken): Promise<boolean> {
    const index = this.deps.revocations;
    if (index) {
      let keys = this.revocationKeys.get(found);
      if (!keys) {
        keys = [revocationHash('jti', found.jti)];
        if (found.familyId !== undefined) keys.push(revocationHash('family', found.familyId));
        this.revocationKeys.set(found, keys);
      }
      const known = await this.revokedInMemory(keys);
      if (known !== undefined) return known;
    }
    return this.deps.storage.isAccessTokenRevoked(found.jti);
  }

  /** The revocation index's answer, after catching up on this process's own revocations. */
  private async revokedInMemory(keys: readonly string[]): Promise<boolean | undefined> {
    const index = this.deps.revocations;
    if (!index) return undefined;
    const known = index.isRevoked(keys);
    if (known !== undefined || !index.stale) return known;
    await index.refresh();
    return index.isRevoked(keys);
  }

  private async withGrant(
    app: AppWithSecrets,
    companyId: string | undefined,
    grantId: string | undefined,
    accessToken: boolean,
  ): Promise<TokenState> {
    if (grantId === undefined || companyId === undefined) return { active: true, app };
    const seen = accessToken ? this.grants.get(grantId) : undefined;
    if (seen && seen.appId === app.id && seen.companyId === companyId) {
      const revoked = await this.revokedInMemory([seen.key]);
      if (revoked === true) return { active: false };
      if (revoked === false) return { active: true, app, grant: { id: grantId, guid: seen.guid } };
    }
    const grant = await this.deps.storage.getActiveGrant(app.id, companyId);
    if (grant?.id !== grantId) return { active: false };
    this.grants.set(grantId, {
      appId: app.id,
      companyId,
      guid: grant.guid,
      key: revocationHash('grant', grantId),
    });
    return { active: true, app, grant: { id: grant.id, guid: grant.guid } };
  }

  /**
   * The grant of a token issued by a token exchange: it belongs to the subject token's app,
   * so it is read by id (any app's) and must still be active and of the token's company.
   */
  private async withExchangedGrant(
    app: AppWithSecrets,
    companyId: string | undefined,
    grantId: string | undefined,
  ): Promise<TokenState> {
    if (grantId === undefined || companyId === undefined) return { active: true, app };
    if ((await this.revokedInMemory([revocationHash('grant', grantId)])) === true) return { active: false };
    const grant = await this.deps.storage.getGrantById(grantId);
    if (!grant || grant.revokedAt !== null || grant.companyId !== companyId) return { active: false };
    return { active: true, app, grant: { id: grant.id, guid: grant.guid } };
  }

  private async refresh(token: string): Promise<FoundRefreshToken | undefined> {
    if (!token.startsWith(SecretPrefix.refreshToken)) return undefined;
    const found = await this.deps.storage.getRefreshToken(sha256(token));
    return found && { kind: 'refresh', ...found };
  }

  private async access(token: string): Promise<FoundAccessToken | undefined> {
    if (token.startsWith(SecretPrefix.opaqueAccessToken)) {
      const hash = sha256(token);
      const hit = this.opaque.get(hash);
      if (hit) {
        if (hit.expiresAt.getTime() > Date.now()) return hit;
        this.opaque.delete(hash);
      }
      const t = await this.deps.storage.getOpaqueAccessToken(hash);
      if (!t) return undefined;
      const found: FoundAccessToken = {
        kind: 'access',
        format: 'opaque',
        jti: t.jti,
        clientId: t.clientId,
        subject: t.subject,
        scopes: t.scopes,
        ...(t.companyId !== null ? { companyId: t.companyId } : {}),
        ...(t.grantId !== null ? { grantId: t.grantId } : {}),
        ...(t.familyId !== null ? { familyId: t.familyId } : {}),
        ...(t.dpopJkt !== null ? { jkt: t.dpopJkt } : {}),
        ...(t.audience !== null ? { audience: t.audience } : {}),
        ...(t.act !== null ? { act: t.act } : {}),
        issuedAt: t.issuedAt,
        expiresAt: t.expiresAt,
      };
      if (t.expiresAt.getTime() > Date.now()) this.opaque.set(hash, found);
      return found;
    }
    if (token.split('.').length !== 3) return undefined;
    const getKey = this.keySet();
    const key = sha256(token);
    const hit = this.verified.get(key);
    if (hit) {
      if (hit.expiresAt.getTime() > Date.now()) return hit;
      this.verified.delete(key);
      return undefined;
    }
    const found = await this.verifyJwt(token, getKey);
    if (found) this.verified.set(key, found);
    return found;
  }

  private async verifyJwt(token: string, getKey: JWTVerifyGetKey): Promise<FoundAccessToken | undefined> {
    try {
      const { payload } = await jwtVerify(token, getKey, {
        issuer: this.deps.issuer,
        audience: [this.deps.audience, ...(this.deps.resourceAudiences ?? [])],
        typ: 'at+jwt',
        algorithms: [...SIGNING_ALGS],
        requiredClaims: ['jti', 'client_id', 'sub', 'iat', 'exp'],
      });
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      const jti = str(payload.jti);
      const clientId = str(payload.client_id);
      const subject = str(payload.sub);
      if (!jti || !clientId || !subject) return undefined;
      const companyId = str(payload.company_id);
      const grantId = str(payload.gid);
      const familyId = str(payload.fid);
      const jkt = str((payload.cnf as { jkt?: unknown } | undefined)?.jkt);
      const aud = str(payload.aud);
      const act = payload.act === undefined ? undefined : actClaim(payload.act);
      if (act === null) return undefined;
      return {
        kind: 'access',
        format: 'jwt',
        jti,
        clientId,
        subject,
        scopes: (str(payload.scope) ?? '').split(' ').filter(Boolean),
        ...(companyId !== undefined ? { companyId } : {}),
        ...(grantId !== undefined ? { grantId } : {}),
        ...(familyId !== undefined ? { familyId } : {}),
        ...(jkt !== undefined ? { jkt } : {}),
        ...(aud !== undefined && aud !== this.deps.audience ? { audience: aud } : {}),
        ...(act !== undefined ? { act } : {}),
        issuedAt: new Date(Number(payload.iat) * 1000),
        expiresAt: new Date(Number(payload.exp) * 1000),
      };
    } catch {
      // Bad signature, another issuer, expired, or not a JWT at all: not a live token of ours.
      return undefined;
    }
  }

  /** Our published keys, rebuilt when the key set changes (rotation). */
  private keySet(): JWTVerifyGetKey {
    const jwks = this.deps.keys.publicJwks();
    const kids = jwks.keys.map((k) => k.kid).join(',');
    if (this.jwks?.kids !== kids) {
      this.jwks = { kids, getKey: createLocalJWKSet(jwks) };
      this.verified.clear();
    }
    return this.jwks.getKey;
  }
}
