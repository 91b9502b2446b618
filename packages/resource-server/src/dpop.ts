import { ExpiringLru } from '@gatehouse/cache';
import { calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify } from 'jose';
import { ResourceServerError } from './errors.ts';
import { sha256Sync, sha256WebCrypto } from './hash.ts';

/** The DPoP proof algorithms accepted by default, as Gatehouse's token endpoint accepts them. */
export const DEFAULT_DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519', 'RS256'] as const;

export interface DpopOptions {
  /** Accepted proof `alg` values (asymmetric only). Default ES256, EdDSA, Ed25519, RS256. */
  algorithms?: readonly string[];
  /** A proof older than this many seconds (by its `iat`) is refused. Default 300. */
  maxAgeSeconds?: number;
  /** How far ahead of this clock a proof's `iat` may be, in seconds. Default 60. */
  clockSkewSeconds?: number;
  /** Proofs remembered against replay (per process). Default 100,000. */
  replayCacheSize?: number;
}

/** The request a proof must match, and the token and key it must go with. */
export interface DpopProofRequest {
  /** The HTTP method. */
  method: string;
  /** The request's absolute URI as the client called it (query and fragment are ignored). */
  url: string;
  /** The access token sent with `Authorization: DPoP`. */
  token: string;
  /** The thumbprint the token is bound to (`cnf.jkt`). */
  jkt: string;
}

function invalid(message: string): ResourceServerError {
  return new ResourceServerError('dpop_proof_invalid', message);
}

/** `scheme://host[:port]/path` of a URI, without query and fragment; undefined if it is none. */
function htuOf(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return `${u.origin}${u.pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * A checker of the DPoP proofs that come with DPoP-bound access tokens: `typ: dpop+jwt`, an
 * allowed `alg`, a public `jwk` that verifies the signature and whose thumbprint is the
 * token's `cnf.jkt`, `htm` and `htu` of this request, `iat` within the window, `ath` the
 * hash of the token, and a `jti` not seen before. Replays are caught per process, in a
 * bounded cache kept until each proof would be too old anyway; several API instances behind
 * one balancer each keep their own (docs/dpop.md says what this leaves open).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export function createDpopChecker(
  options: DpopOptions = {},
): (proof: string, req: DpopProofRequest) => Promise<void> {
  const algorithms = [...(options.algorithms ?? DEFAULT_DPOP_ALGORITHMS)];
  const maxAge = options.maxAgeSeconds ?? 300;
  const skew = options.clockSkewSeconds ?? 60;
  const seen = new ExpiringLru<true>(options.replayCacheSize ?? 100_000);
  return async (proof, req) => {
    if (proof.length > 8192 || proof.split('.').length !== 3)
      throw invalid('the DPoP header must hold one DPoP proof JWT');
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms });
    } catch (err) {
      throw invalid(
        err instanceof errors.JOSEError
          ? `the DPoP proof is invalid: ${err.message}`
          : 'the DPoP proof is invalid',
      );
    }
    const { payload, protectedHeader } = verified;
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)
      throw invalid('the DPoP proof needs a "jti"');
    if (typeof payload.htm !== 'string' || payload.htm !== req.method.toUpperCase())
      throw invalid(`the DPoP proof's "htm" must be ${req.method.toUpperCase()}, the request's method`);
    const htu = htuOf(req.url);
    if (typeof payload.htu !== 'string' || htu === undefined || htuOf(payload.htu) !== htu)
      throw invalid(`the DPoP proof's "htu" must be ${htu ?? 'the request URI'}`);
    const now = Math.floor(Date.now() / 1000);
    const iat = payload.iat;
    if (typeof iat !== 'number' || iat < now - maxAge || iat > now + skew)
      throw invalid(
        `the DPoP proof's "iat" is outside the accepted window (${maxAge} s back, ${skew} s ahead)`,
      );
    const ath = sha256Sync ? sha256Sync(req.token) : await sha256WebCrypto(req.token);
    if (payload.ath !== ath) throw invalid('the DPoP proof\'s "ath" is not the hash of this access token');
    const jkt = await calculateJwkThumbprint(
      protectedHeader.jwk as NonNullable<typeof protectedHeader.jwk>,
      'sha256',
    );
    if (jkt !== req.jkt)
      throw invalid('the DPoP proof is signed by another key than the one the token is bound to');
    const key = `${jkt}.${jti}`;
    if (seen.get(key, now) !== undefined)
      throw invalid('the DPoP proof was already used: make a new one per request');
    seen.set(key, true, iat + maxAge + skew);
  };
}
