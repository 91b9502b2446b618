import { hashEquals, sha256 } from '../util/hash.ts';
import { InvalidGrant, InvalidRequest } from './errors.ts';

// RFC 7636 4.1/4.2: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]; S256 output is exactly 43.
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/**
 * Validates the PKCE parameters of an authorization request. Only S256 is accepted: `plain`
 * protects nothing against an attacker who can read the authorization request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1
 */
export function readCodeChallenge(
  challenge: string | undefined,
  method: string | undefined,
  required: boolean,
): string | null {
  if (challenge === undefined) {
    if (method !== undefined)
      throw new InvalidRequest('code_challenge_method was sent without code_challenge');
    if (required) throw new InvalidRequest('PKCE is required for this app: send code_challenge with S256');
    return null;
  }
  if (method === undefined)
    throw new InvalidRequest('code_challenge_method is required and must be S256 (plain is not accepted)');
  if (method !== 'S256')
    throw new InvalidRequest('code_challenge_method must be S256 (plain is not accepted)');
  if (!S256_CHALLENGE.test(challenge))
    throw new InvalidRequest('code_challenge must be the 43-character base64url SHA-256 of the verifier');
  return challenge;
}

/** A code_verifier of the form RFC 7636 4.1 allows (what it matches is another question). */
export function isWellFormedVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

/** Checks code_verifier against the challenge bound to the code. */
export function verifyCodeVerifier(challenge: string | null, verifier: string | undefined): void {
  if (challenge === null) {
    if (verifier !== undefined)
      throw new InvalidGrant('code_verifier was sent but the authorization request had no code_challenge');
    return;
  }
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required for this code');
  if (!VERIFIER.test(verifier))
    throw new InvalidGrant('code_verifier must be 43 to 128 unreserved characters (RFC 7636 4.1)');
  if (!hashEquals(sha256(verifier), challenge)) throw new InvalidGrant('code_verifier does not match');
}
