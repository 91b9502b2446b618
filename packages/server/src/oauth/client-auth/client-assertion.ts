import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { AppWithSecrets } from '../../storage/types.ts';
import type { AuthenticatedClient, OAuthContext, TokenEndpointRequest } from '../context.ts';
import { InvalidClient } from '../errors.ts';
import type { ClientAssertionServices } from './assertion-services.ts';
import { methodMismatch } from './method.ts';

/** RFC 7523 2.2: the one client_assertion_type there is. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** An assertion may be valid for at most this long from now (`exp`). */
export const MAX_ASSERTION_LIFETIME_S = 300;
/** Clock skew allowed between the client and this server, either way. */
export const ASSERTION_CLOCK_TOLERANCE_S = 10;

/** Algorithms for private_key_jwt (asymmetric) and client_secret_jwt (HMAC), as metadata lists them. */
export const PRIVATE_KEY_JWT_ALGS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'] as const;
export const CLIENT_SECRET_JWT_ALGS = ['HS256', 'HS384', 'HS512'] as const;

/** The assertion's header and claims, decoded once, unverified (only to route and name the client). */
interface DecodedAssertion {
  ok: true;
  alg: string;
  claims: JWTPayload;
  jwt: string;
}
type Decoded = DecodedAssertion | { ok: false; reason: string };

const decodedAssertions = new WeakMap<TokenEndpointRequest, Decoded | undefined>();

/**
 * The request's client assertion, decoded once: undefined when it carries none. Both
 * assertion methods ask (each for its own family of `alg`), so the result is kept.
 */
export function clientAssertionOf(req: TokenEndpointRequest): Decoded | undefined {
  if (decodedAssertions.has(req)) return decodedAssertions.get(req);
  const type = req.params.get('client_assertion_type');
  const jwt = req.params.get('client_assertion');
  let out: Decoded | undefined;
  if (type === undefined && jwt === undefined) out = undefined;
  else if (type !== JWT_BEARER_ASSERTION)
    out = { ok: false, reason: `client_assertion_type must be ${JWT_BEARER_ASSERTION}` };
  else if (jwt === undefined)
    out = { ok: false, reason: 'client_assertion is required with client_assertion_type' };
  else {
    try {
      const { alg } = decodeProtectedHeader(jwt);
      out = { ok: true, alg: String(alg), claims: decodeJwt(jwt), jwt };
    } catch {
      out = { ok: false, reason: 'client_assertion is not a signed JWT' };
    }
  }
  decodedAssertions.set(req, out);
  return out;
}

/** True when the request's assertion is signed with an HMAC algorithm (client_secret_jwt). */
export function isHmacAssertion(d: Decoded): boolean {
  return d.ok && d.alg.startsWith('HS');
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the client assertion has expired';
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return 'the client assertion signature does not verify with the app’s registered keys';
  if (err instanceof errors.JWKSNoMatchingKey)
    return 'no registered key of the app matches the client assertion (kid and alg)';
  if (err instanceof errors.JWKSTimeout) return 'the app’s jwks_uri did not answer in time';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'the client assertion aud must be the issuer or the token endpoint URL';
    if (err.claim === 'iss' || err.claim === 'sub')
      return 'the client assertion iss and sub must both be the client_id';
    if (err.claim === 'jti' || err.claim === 'exp') return `the client assertion has no ${err.claim} claim`;
    return `the client assertion ${err.claim} claim is invalid: ${err.reason}`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return 'the client assertion alg is not accepted for this method';
  if (err instanceof errors.JOSEError) return `the client assertion could not be verified: ${err.message}`;
  // apps/jwks-fetch.ts's errors are worded for the client (no address); others are not shown.
  if (err instanceof Error && err.name === 'JwksFetchError')
    return `the app’s jwks_uri could not be fetched: ${err.message}`;
  return 'the client assertion could not be verified';
}

/**
 * Authenticates with a JWT client assertion (RFC 7523 2.2, OIDC Core 9): the app named by
 * `sub` (and `client_id`, when sent), registered for `method`; the signature under `key`;
 * `iss` = `sub` = client_id, `aud` the issuer or the token endpoint, `exp` present and at
 * most 5 minutes ahead, `jti` present and never seen before. Every failure is invalid_client.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export async function authenticateWithAssertion(
  req: TokenEndpointRequest,
  ctx: OAuthContext,
  method: 'private_key_jwt' | 'client_secret_jwt',
  algorithms: readonly string[],
  key: (app: AppWithSecrets, services: ClientAssertionServices) => JWTVerifyGetKey | Promise<Uint8Array[]>,
): Promise<AuthenticatedClient> {
  const decoded = clientAssertionOf(req);
  if (decoded === undefined) throw new InvalidClient('client_assertion is required');
  if (!decoded.ok) throw new InvalidClient(decoded.reason);
  const services = ctx.assertions;
  if (services === undefined) throw new InvalidClient(`${method} is not enabled on this server`);
  const clientId = decoded.claims.sub;
  if (typeof clientId !== 'string' || clientId === '')
    throw new InvalidClient('the client assertion must name the client_id in sub');
  const bodyClientId = req.params.get('client_id');
  if (bodyClientId !== undefined && bodyClientId !== clientId)
    throw new InvalidClient('client_id differs from the client assertion sub');
  const app = await ctx.apps.findByClientId(clientId);
  if (app === null) throw new InvalidClient('client authentication failed: unknown client');
  if (app.tokenEndpointAuthMethod !== method) throw new InvalidClient(methodMismatch(app, method));
  const verifyWith = await key(app, services);
  const options = {
    algorithms: [...algorithms],
    issuer: clientId,
    subject: clientId,
    audience: [ctx.issuer, services.tokenEndpoint],
    requiredClaims: ['exp', 'jti'],
    clockTolerance: ASSERTION_CLOCK_TOLERANCE_S,
  };
  let payload: JWTPayload | undefined;
  let failure: unknown;
  if (typeof verifyWith === 'function') {
    try {
      payload = (await jwtVerify(decoded.jwt, verifyWith, options)).payload;
    } catch (err) {
      failure = err;
    }
  } else {
    // Any live secret may have signed it (a rotation's grace period keeps two alive).
    for (const secret of verifyWith) {
      try {
        payload = (await jwtVerify(decoded.jwt, secret, options)).payload;
        break;
      } catch (err) {
        failure = err;
      }
    }
    if (verifyWith.length === 0)
      throw new InvalidClient(
        'this app has no secret usable for client_secret_jwt: rotate its secret once after choosing the method',
      );
  }
  if (payload === undefined) throw new InvalidClient(describe(failure));
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp as number;
  if (exp > now + MAX_ASSERTION_LIFETIME_S + ASSERTION_CLOCK_TOLERANCE_S)
    throw new InvalidClient(
      `the client assertion exp must be at most ${MAX_ASSERTION_LIFETIME_S} seconds ahead`,
    );
  const jti = payload.jti as string;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 200)
    throw new InvalidClient('the client assertion jti must be a string of 1 to 200 characters');
  const expiresAt = new Date((exp + ASSERTION_CLOCK_TOLERANCE_S) * 1000);
  if (!(await services.useJti(clientId, jti, expiresAt)))
    throw new InvalidClient(
      'the client assertion was already used (jti replay): make a new one for each request',
    );
  return { app, method };
}
