import { calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify } from 'jose';
import { sha256 } from '../../util/hash.ts';
import { InvalidDpopProof, UseDpopNonce } from '../errors.ts';
import type { DpopNonces } from './nonces.ts';

/**
 * The proof algorithms accepted: `dpop_signing_alg_values_supported` in metadata. `Ed25519`
 * is the fully specified name (RFC 9864) of EdDSA over Ed25519, which oauth4webapi and
 * openid-client put in their proofs; `EdDSA` is the older name of the same.
 */
export const DPOP_SIGNING_ALGS = ['ES256', 'EdDSA', 'Ed25519', 'RS256'];
/** A proof older than this (by its `iat`) is refused. */
export const DPOP_PROOF_MAX_AGE_SECONDS = 300;
/** How far ahead of this server's clock a proof's `iat` may be. */
export const DPOP_CLOCK_SKEW_SECONDS = 60;
/** Longest proof read at all: the header holds a JWT with an embedded public key. */
const MAX_PROOF_LENGTH = 8192;

/**
 * Where used proofs are remembered until they could no longer pass the `iat` check: the
 * database (insert-if-absent, pruned by housekeeping) or Redis (SET NX PX) when configured.
 */
export interface DpopProofLedger {
  /** True the first time this proof is seen; false for a replay. */
  firstUse(proofHash: string, expiresAt: Date): Promise<boolean>;
}

/** What a proof must match: the request it came with. */
export interface DpopRequest {
  /** The HTTP method, upper case. */
  htm: string;
  /** The request's URI without query and fragment, as this server's issuer spells it. */
  htu: string;
  /** The app requires a server nonce in its proofs (`use_dpop_nonce`). */
  requireNonce: boolean;
}

const str = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/** `scheme://host[:port]/path` of a URI, without query and fragment; undefined if it is none. */
export function htuOf(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return `${u.origin}${u.pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * Checks a DPoP proof JWT presented at the token endpoint and answers the thumbprint of
 * its key, to which the tokens issued are bound (`cnf.jkt`). Checked: `typ: dpop+jwt`, an
 * accepted `alg`, a public `jwk` in the header and the signature by it (jose's EmbeddedJWK),
 * `htm` and `htu` equal to the request's, `iat` within {@link DPOP_PROOF_MAX_AGE_SECONDS} back
 * and {@link DPOP_CLOCK_SKEW_SECONDS} ahead, the server nonce when the app asks for one, and
 * last `jti`: a proof is accepted once, on every node, until it would be too old anyway.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export class DpopVerifier {
  constructor(private readonly deps: { nonces: DpopNonces; ledger: DpopProofLedger; now?: () => number }) {}

  /** A fresh server nonce, for `DPoP-Nonce` headers. */
  nonce(): string {
    return this.deps.nonces.current();
  }

  async verify(proof: string, req: DpopRequest): Promise<string> {
    if (proof.length > MAX_PROOF_LENGTH || proof.split('.').length !== 3)
      throw new InvalidDpopProof('the DPoP header must hold one DPoP proof JWT');
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_SIGNING_ALGS });
    } catch (err) {
      throw new InvalidDpopProof(
        err instanceof errors.JOSEError
          ? `the DPoP proof is invalid: ${err.message}`
          : 'the DPoP proof is invalid',
      );
    }
    const { payload, protectedHeader } = verified;
    if (!str(payload.jti, 256)) throw new InvalidDpopProof('the DPoP proof needs a "jti"');
    if (payload.htm !== req.htm)
      throw new InvalidDpopProof(`the DPoP proof's "htm" must be ${req.htm}, the request's method`);
    if (!str(payload.htu, 2000) || htuOf(payload.htu) !== req.htu)
      throw new InvalidDpopProof(`the DPoP proof's "htu" must be ${req.htu}, the request's URI`);
    const now = Math.floor((this.deps.now ?? Date.now)() / 1000);
    const iat = payload.iat;
    if (typeof iat !== 'number' || !Number.isFinite(iat))
      throw new InvalidDpopProof('the DPoP proof needs an "iat"');
    if (iat < now - DPOP_PROOF_MAX_AGE_SECONDS || iat > now + DPOP_CLOCK_SKEW_SECONDS)
      throw new InvalidDpopProof(
        `the DPoP proof's "iat" is outside the accepted window (${DPOP_PROOF_MAX_AGE_SECONDS} s back, ${DPOP_CLOCK_SKEW_SECONDS} s ahead)`,
      );
    if (req.requireNonce && !this.deps.nonces.valid(payload.nonce))
      throw new UseDpopNonce(
        payload.nonce === undefined
          ? 'this app requires a server nonce in its DPoP proofs: use the DPoP-Nonce header'
          : 'the DPoP nonce is stale or unknown: use the one in the DPoP-Nonce header',
        this.deps.nonces.current(),
      );
    // protectedHeader.jwk is the public key EmbeddedJWK verified the signature with.
    const jkt = await calculateJwkThumbprint(
      protectedHeader.jwk as NonNullable<typeof protectedHeader.jwk>,
      'sha256',
    );
    const expiresAt = new Date((iat + DPOP_PROOF_MAX_AGE_SECONDS + DPOP_CLOCK_SKEW_SECONDS) * 1000);
    if (!(await this.deps.ledger.firstUse(sha256(`${jkt}.${payload.jti}`), expiresAt)))
      throw new InvalidDpopProof(
        'the DPoP proof was already used: make a new one (with a new "jti") per request',
      );
    return jkt;
  }
}
