import type { JwsSigner } from '../keys/jws.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { ActClaim } from '../storage/authorization-types.ts';
import type { TokenStore } from '../storage/storage.ts';
import type { App } from '../storage/types.ts';
import { sha256 } from '../util/hash.ts';
import { newId } from '../util/random.ts';
import { newSecret } from '../util/secrets.ts';

export interface AccessTokenRequest {
  app: App;
  /** `sub`: the user for user-delegated tokens, the client_id for client credentials. */
  subject: string;
  scopes: readonly string[];
  /** The company whose data the token reaches, when it reaches exactly one. */
  companyId?: string;
  /** The grant the token was issued under (revoking the grant revokes the token). */
  grantId?: string;
  /** The refresh-token family it comes from (revoking the family revokes the token). */
  familyId?: string;
  /** The jti, when the caller recorded it before signing (user-delegated grants); else a new one. */
  jti?: string;
  /** The DPoP key thumbprint the token is bound to: `cnf.jkt` (RFC 9449 6). */
  dpopJkt?: string;
  /** The resource (RFC 8707) the token is narrowed to: its `aud`; else the default audience. */
  audience?: string;
  /** Token exchange (RFC 8693 4.1): who acts for the subject; the `act` claim. */
  act?: ActClaim;
  /** Overrides the app's lifetime (never longer than it). */
  ttlSeconds?: number;
  now?: number;
}

/** A new access-token id (`jti`). */
export const newAccessTokenId = (): string => newId('at', 22);

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  expiresAt: number;
}

/**
 * Mints access tokens in the app's format. JWT access tokens follow RFC 9068: `typ: at+jwt`,
 * and the claims iss, sub, aud, client_id, scope, iat, exp, jti, plus Gatehouse's
 * `company_id`, `gid` (grant id) and `fid` (refresh-token family), `cnf.jkt` when the token
 * is bound to a DPoP key (RFC 9449 6.1), and `act` when a token exchange issued it (RFC 8693 4.1). Opaque tokens are 256
 * random bits with the `gtht_` prefix; only their hash is stored, with the same claims, and
 * resource servers learn them by introspection (RFC 7662).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 */
export class TokenIssuer {
  constructor(
    private readonly keys: KeyStore,
    private readonly signer: JwsSigner,
    private readonly issuer: string,
    private readonly audience: string,
    /** Where opaque tokens are kept; apps whose format is `opaque` need it. */
    private readonly opaqueStore?: Pick<TokenStore, 'createOpaqueAccessToken'>,
  ) {}

  async issueAccessToken(req: AccessTokenRequest): Promise<IssuedAccessToken> {
    const ttl = Math.min(req.ttlSeconds ?? req.app.tokenTtl, req.app.tokenTtl);
    const iat = Math.floor((req.now ?? Date.now()) / 1000);
    const jti = req.jti ?? newAccessTokenId();
    if (req.app.tokenFormat === 'opaque') return this.issueOpaque(req, jti, iat, ttl);
    const key = this.keys.signingKey(req.app.signingAlg);
    const claims: Record<string, unknown> = {
      iss: this.issuer,
      sub: req.subject,
      aud: req.audience ?? this.audience,
      client_id: req.app.clientId,
      scope: req.scopes.join(' '),
      iat,
      exp: iat + ttl,
      jti,
    };
    if (req.companyId !== undefined) claims.company_id = req.companyId;
    if (req.grantId !== undefined) claims.gid = req.grantId;
    if (req.familyId !== undefined) claims.fid = req.familyId;
    if (req.dpopJkt !== undefined) claims.cnf = { jkt: req.dpopJkt };
    if (req.act !== undefined) claims.act = req.act;
    const token = await this.signer.sign(key, 'at+jwt', claims);
    return { token, jti, expiresIn: ttl, expiresAt: iat + ttl };
  }

  private async issueOpaque(
    req: AccessTokenRequest,
    jti: string,
    iat: number,
    ttl: number,
  ): Promise<IssuedAccessToken> {
    if (!this.opaqueStore) throw new Error('opaque access tokens need storage: pass it to TokenIssuer');
    const token = newSecret('opaqueAccessToken');
    await this.opaqueStore.createOpaqueAccessToken({
      tokenHash: sha256(token),
      jti,
      appId: req.app.id,
      clientId: req.app.clientId,
      subject: req.subject,
      scopes: [...req.scopes],
      companyId: req.companyId ?? null,
      grantId: req.grantId ?? null,
      familyId: req.familyId ?? null,
      issuedAt: new Date(iat * 1000),
      expiresAt: new Date((iat + ttl) * 1000),
      dpopJkt: req.dpopJkt ?? null,
      audience: req.audience ?? null,
      act: req.act ?? null,
    });
    return { token, jti, expiresIn: ttl, expiresAt: iat + ttl };
  }
}
