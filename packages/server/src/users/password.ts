import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type ScryptParams, ScryptThread } from './scrypt-thread.ts';

/** Runs scrypt somewhere off libuv's pool: a thread of its own, or a sign-in's turn in a ScryptPool. */
export type Scrypt = (
  password: string,
  salt: Buffer,
  keylen: number,
  params: ScryptParams,
) => Promise<Buffer>;

/** Off libuv's pool, so hashing never holds up token signatures (see scrypt-thread.ts). */
const scryptThread = new ScryptThread();
const ownThread: Scrypt = scryptThread.hash.bind(scryptThread);

// OWASP's scrypt floor is N=2^17, r=8, p=1; that needs 128 MiB per hash (maxmem above it).
const PARAMS = { N: 2 ** 17, r: 8, p: 1 };
const KEYLEN = 32;
const MAXMEM = 256 * 1024 * 1024;

/** Passwords are low-entropy and human: a memory-hard KDF with a per-user salt. */
export async function hashPassword(password: string, scrypt: Scrypt = ownThread): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, KEYLEN, { ...PARAMS, maxmem: MAXMEM });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(
  password: string,
  stored: string,
  scrypt: Scrypt = ownThread,
): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAXMEM,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash to compare against when the user does not exist (or has no password), so the answer
 * takes one scrypt like any other. Random bytes in place of a derived key cost the same to
 * check and match nothing (2^-256), and need no hash at start-up, so the first unknown e-mail
 * is not slower than the rest.
 */
const DUMMY = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${randomBytes(16).toString('base64url')}$${randomBytes(KEYLEN).toString('base64url')}`;
export function dummyPasswordHash(): string {
  return DUMMY;
}
