import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { type AccessTokenClaims, toAccessTokenClaims } from './claims.ts';
import { discoverJwksUri } from './discovery.ts';
import { ResourceServerError } from './errors.ts';
import { createIntrospector, type IntrospectionOptions } from './introspection.ts';
import { ExpiringLru } from './lru.ts';

/** The asymmetric algorithms Gatehouse signs with. `none` and HS* can never be allowed. */
export const DEFAULT_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;

export interface VerifierOptions {
  /** The authorization server's issuer identifier; `iss` must equal it exactly. */
  issuer: string;
  /** This API's identifier; `aud` must contain it exactly. */
  audience: string;
  /** Where the signing keys are. Default: `jwks_uri` from `${issuer}/.well-known/oauth-authorization-server`. */
  jwksUri?: string;
  /** Accepted `alg` values (asymmetric only). Default ES256, RS256, EdDSA. */
  algorithms?: readonly string[];
  /** Seconds of clock skew tolerated on exp/iat/nbf. Default 5. */
  clockTolerance?: number;
  /** Verified tokens remembered until they expire. Default 10,000; 0 turns the cache off. */
  cacheSize?: number;
  /** Minimum time between two JWKS refetches triggered by an unknown `kid`. Default 30 s. */
  jwksCooldownMs?: number;
  /** How long fetched keys are trusted before a background refresh. Default 10 min. */
  jwksMaxAgeMs?: number;
  /** Timeout of metadata and JWKS requests. Default 5 s. */
  timeoutMs?: number;
  /** Opaque tokens (not JWTs) are checked by RFC 7662 introspection with these credentials. */
  introspection?: IntrospectionOptions;
}

export interface Verifier {
  /**
   * Verifies an access token and returns its claims.
   *
   * @throws ResourceServerError with a `token_*` code when the token is not acceptable,
   *   or `jwks_unavailable` when the keys cannot be fetched.
   */
  verify(token: string): Promise<AccessTokenClaims>;
  /** Forgets cached verifications of this token id (used when a token is revoked). */
  forget(jti: string): void;
}

const TYP = new Set(['at+jwt', 'application/at+jwt']);

function rejectSymmetric(algorithms: readonly string[]): string[] {
  for (const alg of algorithms) {
    const a = alg.toUpperCase();
    if (a === 'NONE' || a.startsWith('HS'))
      throw new TypeError(
        `algorithm "${alg}" cannot verify access tokens: only asymmetric algorithms are allowed`,
      );
  }
  return [...algorithms];
}

/**
 * Creates a verifier of JWT access tokens in the strict RFC 9068 profile: header `typ`
 * `at+jwt`, an asymmetric `alg` from the allow-list, a signature by a key in the issuer's
 * JWKS, `iss` and `aud` exact, `exp` required and in the future. Keys are cached and
 * refetched (with a cooldown) when a token names an unknown `kid`, which is how key
 * rotation reaches resource servers. Verified tokens are cached until their `exp`, so a
 * token seen again costs a map lookup.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8725
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const issuer = options.issuer;
  const audience = options.audience;
  const algorithms = rejectSymmetric(options.algorithms ?? DEFAULT_ALGORITHMS);
  const clockTolerance = options.clockTolerance ?? 5;
  const timeoutMs = options.timeoutMs ?? 5000;
  const cache = new ExpiringLru<AccessTokenClaims>(options.cacheSize ?? 10_000);
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  // Introspection fallback for opaque tokens (introspection.ts).
  const introspector =
    options.introspection && createIntrospector({ issuer, audience, ...options.introspection });

  const jwks = (): Promise<JWTVerifyGetKey> => {
    keySet ??= (async () => {
      const uri =
        options.jwksUri !== undefined ? new URL(options.jwksUri) : await discoverJwksUri(issuer, timeoutMs);
      return createRemoteJWKSet(uri, {
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
        timeoutDuration: timeoutMs,
      });
    })();
    // A failed discovery must not stick: the next request tries again.
    keySet.catch(() => {
      keySet = undefined;
    });
    return keySet;
  };

  return {
    async verify(token) {
      // Opaque token: not JWS compact serialization, so it goes to introspection when configured.
      if (introspector && token.split('.').length !== 3) return introspector.introspect(token);
      const now = Math.floor(Date.now() / 1000);
      const cached = cache.get(token, now);
      if (cached) return cached;
      precheck(token, { issuer, algorithms });
      const getKey = await jwks();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer,
          audience,
          algorithms,
          clockTolerance,
          typ: 'at+jwt',
          requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id'],
        }));
      } catch (err) {
        throw translate(err);
      }
      const claims = toAccessTokenClaims(payload);
      cache.set(token, claims, claims.exp);
      return claims;
    },
    forget(jti) {
      cache.deleteWhere((claims) => claims.jti === jti);
      introspector?.forget(jti);
    },
  };
}

/**
 * Cheap checks on the unverified header and claims, before any key is fetched: a token
 * for another issuer or with a forbidden algorithm must not make us refetch the JWKS.
 */
function precheck(token: string, opts: { issuer: string; algorithms: readonly string[] }): void {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    if (token.split('.').length !== 3) throw new Error('not a JWS compact serialization');
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch (cause) {
    throw new ResourceServerError('token_malformed', 'the access token is not a well-formed JWT', [], {
      cause,
    });
  }
  if (typeof header.alg !== 'string' || !opts.algorithms.includes(header.alg))
    throw new ResourceServerError(
      'token_algorithm_not_allowed',
      `the token's algorithm "${String(header.alg).slice(0, 20)}" is not accepted`,
    );
  if (typeof header.typ !== 'string' || !TYP.has(header.typ.toLowerCase()))
    throw new ResourceServerError(
      'token_type_invalid',
      'the token is not an access token (typ must be at+jwt)',
    );
  if (payload.iss !== opts.issuer)
    throw new ResourceServerError(
      'token_issuer_mismatch',
      'the token was issued by another authorization server',
    );
}

function translate(err: unknown): ResourceServerError {
  if (err instanceof ResourceServerError) return err;
  if (err instanceof errors.JWTExpired)
    return new ResourceServerError('token_expired', 'the access token has expired', [], { cause: err });
  if (err instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, ResourceServerError> = {
      iss: new ResourceServerError(
        'token_issuer_mismatch',
        'the token was issued by another authorization server',
      ),
      aud: new ResourceServerError('token_audience_mismatch', 'the token is not meant for this API'),
      typ: new ResourceServerError(
        'token_type_invalid',
        'the token is not an access token (typ must be at+jwt)',
      ),
      nbf: new ResourceServerError('token_not_yet_valid', 'the access token is not valid yet'),
      iat: new ResourceServerError('token_not_yet_valid', 'the access token was issued in the future'),
    };
    return (
      byClaim[err.claim] ??
      new ResourceServerError('token_claims_invalid', `the "${err.claim}" claim is missing or invalid`, [], {
        cause: err,
      })
    );
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return new ResourceServerError('token_algorithm_not_allowed', "the token's algorithm is not accepted");
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
    return new ResourceServerError(
      'token_key_unknown',
      'the token was signed with a key this API does not know',
    );
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return new ResourceServerError('token_signature_invalid', 'the token signature is invalid');
  if (
    err instanceof errors.JWSInvalid ||
    err instanceof errors.JWTInvalid ||
    err instanceof errors.JOSENotSupported
  )
    return new ResourceServerError('token_malformed', 'the access token is not a well-formed JWT', [], {
      cause: err,
    });
  return new ResourceServerError('jwks_unavailable', 'the signing keys could not be fetched', [], {
    cause: err,
  });
}
