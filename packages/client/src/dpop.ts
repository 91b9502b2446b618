import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { GatehouseClientError } from './errors.ts';
import { base64url } from './http.ts';

/** The proof algorithms Gatehouse accepts (its `dpop_signing_alg_values_supported`). */
export type DpopAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

/**
 * A DPoP key (RFC 9449): the key pair that makes proofs, and the server nonces it has been
 * given, per origin. Give the same key to the token source (or {@link exchangeCode} and
 * {@link RefreshSession}) and to {@link authFetch}: the tokens are bound to it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
export interface DpopKey {
  /** The `alg` of its proofs. */
  readonly alg: DpopAlgorithm;
  /** The RFC 7638 thumbprint of the public key: the `cnf.jkt` of the tokens bound to it. */
  thumbprint(): Promise<string>;
  /**
   * A fresh proof JWT for one request: `htm`, `htu` (query and fragment dropped), `iat`, a
   * new `jti`, `ath` when an access token goes with the request, and the origin's last nonce.
   */
  proof(method: string, url: string | URL, accessToken?: string): Promise<string>;
  /** Remembers the `DPoP-Nonce` a response carried, for the next proofs to its origin. */
  learnNonce(url: string | URL, response: Response): void;
}

/**
 * Makes a DPoP key from a key pair (a non-extractable private key is fine: only the public
 * half is exported, into each proof's `jwk` header), or generates one.
 *
 * @example
 * const dpop = await dpopKey();
 * const tokens = clientCredentials({ issuer, clientId, clientSecret, dpop });
 * const api = authFetch(tokens); // sends Authorization: DPoP <token> and a DPoP proof
 */
export async function dpopKey(
  keyPair?: { privateKey: CryptoKey; publicKey: CryptoKey },
  alg: DpopAlgorithm = 'ES256',
): Promise<DpopKey> {
  const pair = keyPair ?? (await generateKeyPair(alg));
  const jwk: JWK = await exportJWK(pair.publicKey);
  if (jwk.d !== undefined) throw new GatehouseClientError('the DPoP public key exported a private part');
  let thumbprint: Promise<string> | undefined;
  const nonces = new Map<string, string>();
  return {
    alg,
    thumbprint: () => {
      thumbprint ??= calculateJwkThumbprint(jwk, 'sha256');
      return thumbprint;
    },
    async proof(method, url, accessToken) {
      const u = new URL(url);
      const claims: Record<string, string> = { htm: method.toUpperCase(), htu: `${u.origin}${u.pathname}` };
      const nonce = nonces.get(u.origin);
      if (nonce !== undefined) claims.nonce = nonce;
      if (accessToken !== undefined) {
        const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
        claims.ath = base64url(new Uint8Array(digest));
      }
      return new SignJWT(claims)
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .sign(pair.privateKey);
    },
    learnNonce(url, response) {
      const nonce = response.headers.get('dpop-nonce');
      if (nonce !== null && nonce !== '') nonces.set(new URL(url).origin, nonce);
    },
  };
}

/**
 * Whether a response asks for a DPoP nonce (`use_dpop_nonce`): a 400 from a token endpoint
 * (RFC 9449 8) or a 401 challenge from a resource server (RFC 9449 9), with `DPoP-Nonce`.
 */
export async function asksForNonce(response: Response): Promise<boolean> {
  if (!response.headers.has('dpop-nonce')) return false;
  if (response.status === 401)
    return /error="use_dpop_nonce"/.test(response.headers.get('www-authenticate') ?? '');
  if (response.status !== 400) return false;
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    return body.error === 'use_dpop_nonce';
  } catch {
    return false;
  }
}
