import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 of a high-entropy machine credential (client secret, token, code, API key).
 * A fast hash is the right tool here: the input carries 256 random bits, so there is
 * nothing for a slow hash to protect against. See docs/security.md.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Constant-time comparison of two hashes produced by {@link sha256}. */
export function hashEquals(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'base64url');
  const bb = Buffer.from(b, 'base64url');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
