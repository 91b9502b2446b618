import type { JWTPayload } from 'jose';
import { ResourceServerError } from './errors.ts';

/**
 * The claims of a verified Gatehouse access token.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
export interface AccessTokenClaims {
  /** The issuer; equal to the verifier's configured issuer. */
  iss: string;
  /** The user for user-delegated tokens; the client_id for client-credentials tokens. */
  sub: string;
  /** The audience(s); one of them is the verifier's audience. */
  aud: string | string[];
  /** The app the token was issued to. */
  client_id: string;
  /** The granted scopes, parsed from the space-delimited `scope` claim. */
  scope: string[];
  /** The company whose data the token reaches; absent on partner-app tokens. */
  company_id?: string;
  /** The grant the token was issued under; absent on client-credentials tokens. */
  gid?: string;
  /** The refresh-token family the token came from; absent on client-credentials tokens. */
  fid?: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Unique token id. */
  jti: string;
  /**
   * The key a DPoP-bound token is bound to: `jkt`, its RFC 7638 thumbprint. Such a token is
   * accepted only as `Authorization: DPoP` with a proof made by that key.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-6
   */
  cnf?: { jkt: string };
  /**
   * Who acts for the subject, on a token issued by a token exchange: `sub` is the current
   * actor, a nested `act` the one before it. Decide on the subject (`sub`); log or check the
   * actor when it matters who called.
   *
   * @see https://www.rfc-editor.org/rfc/rfc8693#section-4.1
   */
  act?: ActorClaim;
}

/** An RFC 8693 `act` claim: the actor, and the chain of actors before it. */
export interface ActorClaim {
  sub: string;
  act?: ActorClaim;
}

/** The deepest `act` chain accepted; Gatehouse issues at most five. */
const MAX_ACT_DEPTH = 5;

function toActor(value: unknown, depth = 1): ActorClaim {
  if (depth > MAX_ACT_DEPTH || typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('act', 'is not an actor object (RFC 8693 4.1)');
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string' || sub.length === 0) throw invalid('act', 'has no "sub"');
  return act === undefined ? { sub } : { sub, act: toActor(act, depth + 1) };
}

function invalid(claim: string, why: string): ResourceServerError {
  return new ResourceServerError('token_claims_invalid', `the "${claim}" claim ${why}`);
}

function requireString(payload: JWTPayload, claim: string): string {
  const v = payload[claim];
  if (typeof v !== 'string' || v.length === 0) throw invalid(claim, 'is missing or not a string');
  return v;
}

function optionalString(payload: JWTPayload, claim: string): string | undefined {
  const v = payload[claim];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw invalid(claim, 'is not a string');
  return v;
}

function requireNumber(payload: JWTPayload, claim: string): number {
  const v = payload[claim];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(claim, 'is missing or not a number');
  return v;
}

/**
 * Checks the shape RFC 9068 requires of an access token's claims (after the signature,
 * issuer, audience and times were verified) and returns them typed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 */
export function toAccessTokenClaims(payload: JWTPayload): AccessTokenClaims {
  const aud = payload.aud;
  if (!(typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'))))
    throw invalid('aud', 'is missing or not a string');
  const scopeValue = payload.scope;
  if (scopeValue !== undefined && typeof scopeValue !== 'string') throw invalid('scope', 'is not a string');
  const claims: AccessTokenClaims = {
    iss: requireString(payload, 'iss'),
    sub: requireString(payload, 'sub'),
    aud,
    client_id: requireString(payload, 'client_id'),
    scope: (scopeValue ?? '').split(' ').filter((s) => s.length > 0),
    exp: requireNumber(payload, 'exp'),
    iat: requireNumber(payload, 'iat'),
    jti: requireString(payload, 'jti'),
  };
  const companyId = optionalString(payload, 'company_id');
  if (companyId !== undefined) claims.company_id = companyId;
  const gid = optionalString(payload, 'gid');
  if (gid !== undefined) claims.gid = gid;
  const fid = optionalString(payload, 'fid');
  if (fid !== undefined) claims.fid = fid;
  const cnf = payload.cnf;
  if (cnf !== undefined) {
    const jkt = (cnf as { jkt?: unknown } | null)?.jkt;
    if (typeof cnf !== 'object' || cnf === null || typeof jkt !== 'string' || jkt.length === 0)
      throw invalid('cnf', 'has no "jkt" (the only confirmation method Gatehouse issues)');
    claims.cnf = { jkt };
  }
  if (payload.act !== undefined) claims.act = toActor(payload.act);
  return claims;
}
