import { createHash } from 'node:crypto';
import type { JwsSigner } from '../keys/jws.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { App, SigningAlg, User } from '../storage/types.ts';

export interface IdTokenRequest {
  app: App;
  user: User;
  scopes: readonly string[];
  nonce: string | null;
  authTime: Date;
  companyId: string;
  /** The browser session's id (OIDC Back-Channel Logout 1.0 section 2.1); absent: none. */
  sid?: string | null;
  /** The access token issued alongside: its hash goes in `at_hash` (OIDC Core 3.1.3.6). */
  accessToken?: string;
}

/**
 * Mints OpenID Connect ID tokens: audience is the client_id, the nonce of the authorization
 * request is echoed, `name` and `email` only when profile and email were granted, `auth_time`
 * always, and `at_hash` when an access token is issued alongside.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
export class IdTokenIssuer {
  constructor(
    private readonly keys: KeyStore,
    private readonly signer: JwsSigner,
    private readonly issuer: string,
  ) {}

  async issue(req: IdTokenRequest): Promise<string> {
    const key = this.keys.signingKey(req.app.signingAlg);
    const iat = Math.floor(Date.now() / 1000);
    return this.signer.sign(key, 'JWT', {
      iss: this.issuer,
      sub: req.user.id,
      aud: req.app.clientId,
      iat,
      exp: iat + 300,
      ...userClaims(req.user, req.scopes),
      auth_time: Math.floor(req.authTime.getTime() / 1000),
      company_id: req.companyId,
      ...(req.nonce ? { nonce: req.nonce } : {}),
      ...(req.sid ? { sid: req.sid } : {}),
      ...(req.accessToken !== undefined ? { at_hash: tokenHash(req.accessToken, key.alg) } : {}),
    });
  }
}

/** Standard claims released for the granted OIDC scopes (also served by /userinfo). */
export function userClaims(user: User, scopes: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (scopes.includes('profile')) out.name = user.name;
  if (scopes.includes('email')) {
    out.email = user.email;
    out.email_verified = user.emailVerifiedAt !== null;
  }
  return out;
}

/** The hash the JWS algorithm names: SHA-256 for ES256 and RS256, SHA-512 for EdDSA (Ed25519). */
const HASH_OF: Record<SigningAlg, string> = { ES256: 'sha256', RS256: 'sha256', EdDSA: 'sha512' };

/**
 * `at_hash` (and `c_hash`): the left half of the hash of the token's ASCII octets, base64url,
 * with the hash of the id_token's `alg`.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeIDToken
 */
export function tokenHash(token: string, alg: SigningAlg): string {
  const digest = createHash(HASH_OF[alg]).update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
