import { compactVerify, createLocalJWKSet, type JWK } from 'jose';
import { SIGNING_ALGS } from '../keys/key-store.ts';

/** What a valid `id_token_hint` says. */
export interface IdTokenHint {
  /** The user the ID token was issued for. */
  sub: string;
  /** The client_id it was issued to (its single `aud`). */
  clientId: string;
  /** The browser session it was issued in, when it carries one. */
  sid: string | null;
}

/**
 * Reads an `id_token_hint` (OIDC RP-Initiated Logout 1.0 section 2): an ID token this server
 * issued, checked with our own published keys (jose), its `iss` ours and its `aud` one
 * client_id. Its expiry is not checked: the spec asks the OP to accept an expired ID token as
 * a hint, since the RP logs out long after the 5-minute token was issued.
 *
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 */
export class IdTokenHints {
  constructor(
    private readonly keys: { publicJwks(): { keys: JWK[] } },
    private readonly issuer: string,
  ) {}

  /** The hint's claims, or undefined for a token that is not a valid ID token of ours. */
  async read(token: string): Promise<IdTokenHint | undefined> {
    if (token.length > 8192 || token.split('.').length !== 3) return undefined;
    try {
      const { payload, protectedHeader } = await compactVerify(
        token,
        createLocalJWKSet(this.keys.publicJwks()),
        {
          algorithms: [...SIGNING_ALGS],
        },
      );
      // Our ID tokens are typ JWT; an access token (at+jwt) or logout token is no hint.
      if (protectedHeader.typ !== undefined && protectedHeader.typ !== 'JWT') return undefined;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      const aud = Array.isArray(claims.aud) && claims.aud.length === 1 ? claims.aud[0] : claims.aud;
      if (claims.iss !== this.issuer || typeof claims.sub !== 'string' || typeof aud !== 'string')
        return undefined;
      // An ID token has no client_id or scope claim; an access token does.
      if ('scope' in claims || 'client_id' in claims) return undefined;
      return { sub: claims.sub, clientId: aud, sid: typeof claims.sid === 'string' ? claims.sid : null };
    } catch {
      return undefined;
    }
  }
}
