import { randomBytes } from 'node:crypto';

/** 256 bits (or `bytes`) of CSPRNG output as base64url, no padding. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A prefixed, URL-safe identifier such as `co_3k9x...`. 20 characters of a base36
 * alphabet carry about 103 bits: unguessable, so ids leak nothing by enumeration.
 */
export function newId(prefix: string, length = 20): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[(bytes[i] as number) % ALPHABET.length];
  return `${prefix}_${out}`;
}
