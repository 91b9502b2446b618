import { ExpiringLru } from '@gatehouse/cache';
import {
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import { type AccessTokenClaims, toAccessTokenClaims } from './claims.ts';
import { discoverMetadata, type IssuerMetadata } from './discovery.ts';
import {
  createDpopChecker,
  DEFAULT_DPOP_ALGORITHMS,
  type DpopOptions,
  type DpopProofRequest,
} from './dpop.ts';
import { ResourceServerError } from './errors.ts';
import { GrantResolver, type ResolvedGrant } from './grants.ts';
import { tokenRevocationHashes } from './hash.ts';
import { createIntrospector, type IntrospectionOptions, isOpaqueToken } from './introspection.ts';
import { checkBeforeKeys, checkTyp, translate } from './jwt-checks.ts';
import { RevocationList, type RevocationOptions } from './revocation.ts';

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
  /** Timeout of metadata, JWKS and grant requests. Default 5 s. */
  timeoutMs?: number;
  /** Opaque tokens (not JWTs) are checked by RFC 7662 introspection with these credentials. */
  introspection?: IntrospectionOptions;
  /**
   * Following Gatehouse's revocation feed, so revoked grants, apps, token families and tokens
   * are refused within about a second. Default `{ mode: 'stream' }`.
   */
  revocation?: RevocationOptions;
  /** Resolving `x-company-guid`: the endpoint (default from metadata) and cache lifetimes. */
  grants?: { endpoint?: string; ttlSeconds?: number; negativeTtlSeconds?: number; cacheSize?: number };
  /** How DPoP proofs of DPoP-bound tokens are checked (algorithms, iat window, replay cache). */
  dpop?: DpopOptions;
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
  /**
   * The active company grant an `x-company-guid` names for this (verified) token's app.
   *
   * @throws ResourceServerError `grant_not_found`, `token_revoked`, `grant_lookup_unavailable`.
   */
  resolveGrant(token: string, claims: AccessTokenClaims, guid: string): Promise<ResolvedGrant>;
  /**
   * Checks the DPoP proof sent with a DPoP-bound token (RFC 9449 7.1): signature by the key
   * the token is bound to, `htm`, `htu`, `iat`, `ath` and a `jti` not seen before.
   *
   * @throws ResourceServerError `dpop_proof_invalid`.
   */
  verifyDpopProof(proof: string, request: DpopProofRequest): Promise<void>;
  /** The proof algorithms accepted, for the `algs` of DPoP challenges. */
  readonly dpopAlgorithms: readonly string[];
  /** The revocation follower, or undefined when `revocation.mode` is `off`. */
  readonly revocations: RevocationList | undefined;
  /** Stops following the revocation feed. Call it when the API shuts down. */
  close(): void;
}

interface CachedToken {
  claims: AccessTokenClaims;
  /**
   * Feed hashes of everything that can revoke this token (client, grant, family, jti),
   * computed the first time the revocation list holds anything, then kept.
   */
  hashes: string[] | Promise<string[]> | undefined;
}

function revoked(): ResourceServerError {
  return new ResourceServerError('token_revoked', 'the access token has been revoked');
}

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
 * token seen again costs a map lookup, and every hit is checked against the revocation
 * feed this verifier follows (client, grant, family and jti hashes), so a revoked token is
 * refused without a call to the authorization server.
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
  const cache = new ExpiringLru<CachedToken>(options.cacheSize ?? 10_000);
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  let metadata: Promise<IssuerMetadata> | undefined;

  // Shared by the JWKS, the feed and grant resolution; a failure must not stick.
  const discover = (): Promise<IssuerMetadata> => {
    metadata ??= discoverMetadata(issuer, timeoutMs);
    metadata.catch(() => {
      metadata = undefined;
    });
    return metadata;
  };
  // Introspection fallback for opaque tokens (introspection.ts).
  const introspector =
    options.introspection && createIntrospector({ issuer, audience, ...options.introspection });

  const jwks = (): Promise<JWTVerifyGetKey> => {
    keySet ??= (async () => {
      const uri = options.jwksUri !== undefined ? new URL(options.jwksUri) : (await discover()).jwksUri;
      return createRemoteJWKSet(uri, {
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
        timeoutDuration: timeoutMs,
      });
    })();
    keySet.catch(() => {
      keySet = undefined;
    });
    return keySet;
  };

  const rev = options.revocation ?? {};
  const mode = rev.mode ?? 'stream';
  const revocations =
    mode === 'off'
      ? undefined
      : new RevocationList({
          mode,
          feedUrl: async () =>
            rev.feedUrl ??
            (await discover().catch(() => undefined))?.revocationFeedEndpoint ??
            `${issuer}/oauth2/revocations`,
          pollIntervalMs: rev.pollIntervalMs ?? 1000,
          startupTimeoutMs: rev.startupTimeoutMs ?? 5000,
          timeoutMs,
          ...(rev.failClosedAfterMs !== undefined ? { failClosedAfterMs: rev.failClosedAfterMs } : {}),
        });
  let warm = revocations === undefined;
  const grants = new GrantResolver({
    endpoint: async () =>
      options.grants?.endpoint ??
      (await discover().catch(() => undefined))?.grantResolutionEndpoint ??
      `${issuer}/oauth2/grants`,
    timeoutMs,
    ...(revocations ? { revocations } : {}),
    ...(introspector
      ? { introspect: { isOpaque: isOpaqueToken, companyGrant: introspector.companyGrant } }
      : {}),
    ...(options.grants?.ttlSeconds !== undefined ? { ttlSeconds: options.grants.ttlSeconds } : {}),
    ...(options.grants?.negativeTtlSeconds !== undefined
      ? { negativeTtlSeconds: options.grants.negativeTtlSeconds }
      : {}),
    ...(options.grants?.cacheSize !== undefined ? { cacheSize: options.grants.cacheSize } : {}),
  });

  // Whether one of the token's ids is on the revocation list. With an empty list nothing can
  // be revoked, so the ids are hashed only once the list holds something, then remembered.
  const isRevoked = (entry: CachedToken, now: number): boolean | Promise<boolean> => {
    if (revocations === undefined || revocations.size === 0) return false;
    entry.hashes ??= tokenRevocationHashes(entry.claims);
    const hashes = entry.hashes;
    return Array.isArray(hashes) ? revocations.has(hashes, now) : hashes.then((h) => revocations.has(h));
  };

  // The key lookup jose calls after its own alg allow-list check: header `typ` and the
  // unverified `iss` are checked first, so a token meant for someone else cannot make us
  // fetch (or refetch) keys. The key set is resolved once and then called directly.
  let keys: JWTVerifyGetKey | undefined;
  // Key ids whose signatures this verifier has accepted. A token naming one is looked up in
  // the keys already held, so the unverified `iss` (a decode of the payload, about 4 µs) is
  // read only before a lookup that could fetch; jose checks `iss` after the signature anyway.
  const acceptedKids = new Set<string>();
  const getKey: JWTVerifyGetKey = (header, jws) => {
    if (keys !== undefined && header.kid !== undefined && acceptedKids.has(header.kid)) {
      checkTyp(header);
      return keys(header, jws);
    }
    checkBeforeKeys(header, jws, issuer);
    if (keys !== undefined) return keys(header, jws);
    return jwks().then((k) => {
      keys = k;
      return k(header, jws);
    });
  };
  const verifyOptions: JWTVerifyOptions = {
    issuer,
    audience,
    algorithms,
    clockTolerance,
    typ: 'at+jwt',
    requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id'],
  };
  const cacheOn = (options.cacheSize ?? 10_000) > 0;
  const dpopAlgorithms = rejectSymmetric(options.dpop?.algorithms ?? DEFAULT_DPOP_ALGORITHMS);
  const verifyDpopProof = createDpopChecker({ ...options.dpop, algorithms: dpopAlgorithms });

  return {
    async verify(token) {
      if (revocations) {
        // The first request waits for the catch-up, so a token revoked before start is refused.
        if (!warm) {
          await revocations.ready();
          warm = true;
        }
        revocations.assertFresh();
      }
      // Opaque token: not JWS compact serialization, so it goes to introspection when configured.
      // Its cached answer is checked against the feed too, so a revocation reaches it at once.
      if (introspector && isOpaqueToken(token)) {
        const introspected = await introspector.introspect(token);
        if (await isRevoked({ claims: introspected, hashes: undefined }, Math.floor(Date.now() / 1000)))
          throw revoked();
        return introspected;
      }
      const now = Math.floor(Date.now() / 1000);
      if (cacheOn) {
        const cached = cache.get(token, now);
        if (cached) {
          const r = isRevoked(cached, now);
          if (r === true || (r !== false && (await r))) throw revoked();
          return cached.claims;
        }
      }
      let payload: JWTPayload;
      try {
        const verified = await jwtVerify(token, getKey, verifyOptions);
        payload = verified.payload;
        const kid = verified.protectedHeader.kid;
        if (kid !== undefined && !acceptedKids.has(kid)) {
          // Keys rotate rarely; a handful of ids, forgotten all at once if it ever grows.
          if (acceptedKids.size >= 64) acceptedKids.clear();
          acceptedKids.add(kid);
        }
      } catch (err) {
        throw translate(err);
      }
      const entry: CachedToken = { claims: toAccessTokenClaims(payload), hashes: undefined };
      const r = isRevoked(entry, now);
      if (r === true || (r !== false && (await r))) throw revoked();
      if (cacheOn) cache.set(token, entry, entry.claims.exp);
      return entry.claims;
    },
    forget(jti) {
      cache.deleteWhere((entry) => entry.claims.jti === jti);
      introspector?.forget(jti);
    },
    resolveGrant: (token, claims, guid) => grants.resolve(token, claims, guid),
    verifyDpopProof,
    dpopAlgorithms,
    revocations,
    close() {
      revocations?.close();
    },
  };
}
