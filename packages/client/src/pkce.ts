import { base64url } from './http.ts';

/** 32 random bytes, base64url: 43 characters, the length RFC 7636 recommends. */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * A PKCE code verifier: high-entropy and from the unreserved alphabet.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export function generateCodeVerifier(): string {
  return randomToken(32);
}

/**
 * The S256 code challenge: BASE64URL(SHA-256(ASCII(verifier))). Web Crypto, so it works in
 * browsers and Node alike. `plain` is not offered: Gatehouse accepts S256 only.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function codeChallengeS256(verifier: string): Promise<string> {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier))
    throw new TypeError('a code verifier is 43 to 128 characters of [A-Za-z0-9-._~]');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
