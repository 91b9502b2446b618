/** Records of the browser flows (see migrations/002-authorization.ts). Timestamps are Dates. */

export interface Session {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  idHash: string;
  /** Null until someone signs in (the session then carries only pending flows). */
  userId: string | null;
  authTime: Date | null;
  createdAt: Date;
  expiresAt: Date;
  /**
   * The public session id, the `sid` claim of ID tokens and logout tokens (OIDC Back-Channel
   * Logout 2.1): random, set at sign-in, null for an anonymous session. Absent means null.
   */
  sid?: string | null;
}

/** An authorization request in progress between the pages, bound to one browser session. */
export interface AuthorizationFlow {
  id: string;
  sessionHash: string;
  appId: string;
  /** The validated request as JSON (see oauth/endpoints/authorize.ts). */
  request: string;
  companyId: string | null;
  /** Set once granted when the GUID is shown on a page rather than redirected. */
  grantGuid: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface AuthorizationCode {
  codeHash: string;
  appId: string;
  userId: string;
  companyId: string;
  grantId: string;
  redirectUri: string | null;
  /** Whether the authorization request carried redirect_uri (then the token request must too). */
  redirectUriGiven: boolean;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  authTime: Date;
  createdAt: Date;
  expiresAt: Date;
  consumedAt: Date | null;
  /** The token family created when the code was redeemed. */
  familyId: string | null;
  /** The session (its `sid`) the code was issued in, for the ID token's `sid`; absent: none. */
  sid?: string | null;
}

/** Every token descending from one authorization code: revoked together. */
export interface TokenFamily {
  id: string;
  appId: string;
  userId: string;
  companyId: string;
  grantId: string;
  createdAt: Date;
  /** Absolute lifetime: no refresh token of the family outlives it. */
  expiresAt: Date;
  revokedAt: Date | null;
  /**
   * The JWK thumbprint (RFC 7638) the family's refresh tokens are bound to: set when a public
   * client exchanged its code with a DPoP proof; each refresh then needs a proof of that key.
   */
  dpopJkt: string | null;
}

export interface RefreshToken {
  tokenHash: string;
  familyId: string;
  scopes: string[];
  createdAt: Date;
  /** Idle expiry (never after the family's absolute expiry). */
  expiresAt: Date;
  rotatedAt: Date | null;
}

/**
 * What a code must also be for consumeAuthorizationCode to spend it: `appId`'s, unexpired at
 * the consumption's `now`, issued for `redirectUri` (null: issued without one in the request,
 * so none is needed), and bound to `codeChallenge` (the S256 of the verifier presented; null:
 * the code has none).
 */
export interface CodeMatch {
  appId: string;
  redirectUri: string | null;
  codeChallenge: string | null;
}

export type ConsumeCodeResult =
  | { status: 'consumed'; code: AuthorizationCode; family: TokenFamily }
  /** Already redeemed: the caller must revoke `code.familyId`. */
  | { status: 'replayed'; code: AuthorizationCode }
  /** The code's grant was revoked: nothing was written, the code stays unconsumed. */
  | { status: 'grant-revoked'; code: AuthorizationCode }
  /** Given a CodeMatch, anything but a consumption: nothing was written, nothing more was read. */
  | { status: 'unmatched' }
  | { status: 'unknown' };

/**
 * What a code exchange or a rotation hands out, stored in the same transaction as the
 * exchange itself: the access token about to be signed (its jti, recorded with the family so
 * that a replay or reuse revokes it) and, on a code exchange, a new refresh token.
 */
export interface FamilyIssue {
  accessToken: { jti: string; expiresAt: Date };
  refreshToken?: { tokenHash: string; expiresAt: Date };
}

export type RotateRefreshResult =
  | { status: 'rotated'; family: TokenFamily; previous: RefreshToken }
  /**
   * The token was rotated less than the reuse window ago and its successor is still unused (a
   * lost answer retried, two tabs refreshing at once): the successor (`superseded`, a hash) is
   * retired and the new token stands in its place. The family lives on.
   */
  | { status: 'retried'; family: TokenFamily; previous: RefreshToken; superseded: string }
  /** Presented after rotation (outside the window): the family has been revoked. */
  | { status: 'reused'; familyId: string }
  /** Issued to another app than `opts.appId`: untouched. */
  | { status: 'foreign' }
  /** `opts.accept` said no: untouched. */
  | { status: 'refused'; token: RefreshToken; family: TokenFamily }
  /** The family's grant is no longer active (`opts.requireActiveGrant`): the family is revoked. */
  | { status: 'grant-revoked'; familyId: string }
  | { status: 'invalid' };

export interface RevokedAccessToken {
  jti: string;
  expiresAt: Date;
  revokedAt: Date;
}

/** An opaque access token: its hash and the claims introspection reports for it. */
export interface OpaqueAccessToken {
  tokenHash: string;
  jti: string;
  appId: string;
  clientId: string;
  subject: string;
  scopes: string[];
  companyId: string | null;
  grantId: string | null;
  /** The refresh-token family it was issued from, if any. */
  familyId: string | null;
  issuedAt: Date;
  expiresAt: Date;
  /** The JWK thumbprint of a DPoP-bound token (RFC 9449 6), else null. */
  dpopJkt: string | null;
  /** The resource (RFC 8707) it was narrowed to; null for the server's default audience. */
  audience: string | null;
  /** The `act` claim of a token issued by a token exchange (RFC 8693 4.1); else null. */
  act: ActClaim | null;
}

/**
 * The actor of a delegated token (RFC 8693 4.1): who acts for the subject, and, nested, who
 * acted for the previous actor in a chain of exchanges (the outermost is the current one).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-4.1
 */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
}
