import { SignJWT } from 'jose';
import type { KeyStore } from '../keys/key-store.ts';
import type { App } from '../storage/types.ts';
import { newId } from '../util/random.ts';

export interface AccessTokenRequest {
  app: App;
  /** `sub`: the user for user-delegated tokens, the client_id for client credentials. */
  subject: string;
  scopes: readonly string[];
  /** The company whose data the token reaches, when it reaches exactly one. */
  companyId?: string;
  /** The grant the token was issued under (revoking the grant revokes the token). */
  grantId?: string;
  /** The refresh-token family the token was issued from (revoking the family revokes it). */
  familyId?: string;
  /** Overrides the app's lifetime (never longer than it). */
  ttlSeconds?: number;
  now?: number;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  expiresAt: number;
}

/**
 * Mints access tokens. JWT access tokens follow RFC 9068: `typ: at+jwt`, and the claims
 * iss, sub, aud, client_id, scope, iat, exp, jti, plus Gatehouse's `company_id`, `gid`
 * and `fid` (the token family, for tokens of the authorization-code and refresh grants).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2
 */
export class TokenIssuer {
  constructor(
    private readonly keys: KeyStore,
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  async issueAccessToken(req: AccessTokenRequest): Promise<IssuedAccessToken> {
    const ttl = Math.min(req.ttlSeconds ?? req.app.tokenTtl, req.app.tokenTtl);
    const iat = Math.floor((req.now ?? Date.now()) / 1000);
    const jti = newId('at', 22);
    const key = this.keys.signingKey(req.app.signingAlg);
    const claims: Record<string, unknown> = {
      client_id: req.app.clientId,
      scope: req.scopes.join(' '),
    };
    if (req.companyId !== undefined) claims.company_id = req.companyId;
    if (req.grantId !== undefined) claims.gid = req.grantId;
    if (req.familyId !== undefined) claims.fid = req.familyId;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(req.subject)
      .setAudience(this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .setJti(jti)
      .sign(key.privateKey);
    return { token, jti, expiresIn: ttl, expiresAt: iat + ttl };
  }
}
