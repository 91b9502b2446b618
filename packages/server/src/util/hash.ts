import * as crypto from 'node:crypto';
import { timingSafeEqual } from 'node:crypto';

/** The part of node:crypto a SHA-256 digest needs. */
export interface DigestApi {
  /** One-shot digest, Node 20.12 and later. */
  hash?: (algorithm: string, data: string, outputEncoding: 'base64url') => string;
  createHash(algorithm: string): {
    update(data: string, encoding: 'utf8'): { digest(encoding: 'base64url'): string };
  };
}

/**
 * base64url SHA-256 through node:crypto's one-shot digest where there is one. createHash()
 * makes a native Hash object per call whose memory is freed by a weak callback during
 * garbage collection; at one per token request those callbacks made each young-generation
 * collection last about 7 ms instead of 0.3 (docs/benchmarks.md), a pause every request in
 * flight waits out. Node before 20.12 gets createHash().
 *
 * @internal exported for the tests
 */
export function sha256With(api: DigestApi): (value: string) => string {
  const oneShot = api.hash;
  if (typeof oneShot === 'function') return (value) => oneShot('sha256', value, 'base64url');
  return (value) => api.createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * SHA-256 of a high-entropy machine credential (client secret, token, code, API key).
 * A fast hash is the right tool here: the input carries 256 random bits, so there is
 * nothing for a slow hash to protect against. See docs/security.md.
 */
export const sha256: (value: string) => string = sha256With(crypto as DigestApi);

/** Constant-time comparison of two hashes produced by {@link sha256}. */
export function hashEquals(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'base64url');
  const bb = Buffer.from(b, 'base64url');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
