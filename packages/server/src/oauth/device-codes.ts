import { randomInt } from 'node:crypto';
import { sha256 } from '../util/hash.ts';

/**
 * User codes (RFC 8628 6.1): 8 characters of 20 consonants that cannot be mistaken for one
 * another or spell words (no vowels, no Y), 20^8 ≈ 2^34.6 codes, shown as `XXXX-XXXX`.
 * Guessing is held back by the verification page's throttle, not by the length alone.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-6.1
 */
/** The device authorization grant's name (RFC 8628 3.4), as apps list it in their grant types. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A new user code from the platform's CSPRNG, formatted for people (`WDJB-MJHT`). */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed, as the code is compared: upper case, without dashes and spaces
 * (RFC 8628 6.1). Undefined when it cannot be a user code at all.
 */
export function normaliseUserCode(typed: string): string | undefined {
  if (typed.length > 40) return undefined;
  const code = typed.toUpperCase().replace(/[\s-]+/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  for (const c of code) if (!USER_CODE_ALPHABET.includes(c)) return undefined;
  return code;
}

/** The stored form of a user code: the SHA-256 of its normalised characters. */
export function userCodeHash(normalised: string): string {
  return sha256(`user_code:${normalised}`);
}

/** Shown as the person should type it. */
export function formatUserCode(normalised: string): string {
  return `${normalised.slice(0, 4)}-${normalised.slice(4)}`;
}
