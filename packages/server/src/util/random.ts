import { randomBytes } from 'node:crypto';

/** 256 bits (or `bytes`) of CSPRNG output as base64url, no padding. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const ALPHABET_CODES = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz', 'latin1');

/**
 * A prefixed, URL-safe identifier such as `co_3k9x...`. 20 characters of a base36
 * alphabet carry about 103 bits: unguessable, so ids leak nothing by enumeration.
 */
export function newId(prefix: string, length = 20): string {
  const bytes = pooledRandomBytes(length);
  // Mapped in place and read as one flat string (not built a character at a time).
  for (let i = 0; i < length; i++)
    bytes[i] = ALPHABET_CODES[(bytes[i] as number) % ALPHABET_CODES.length] as number;
  return `${prefix}_${bytes.toString('latin1')}`;
}

/**
 * Identifiers are minted on every token (the jti), and a CSPRNG call costs a system call
 * each; like node:crypto's randomUUID, draw CSPRNG output a few KB at a time and hand out
 * each byte once. Only for identifiers: secrets take their own randomBytes() call.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

function pooledRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES) return randomBytes(n);
  if (offset + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}
