import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ScryptThread } from './scrypt-thread.ts';

/** Off libuv's pool, so sign-ins never hold up token signatures (see scrypt-thread.ts). */
const scryptThread = new ScryptThread();
const scryptAsync = scryptThread.hash.bind(scryptThread);

// OWASP's scrypt floor is N=2^17, r=8, p=1; that needs 128 MiB per hash (maxmem above it).
const PARAMS = { N: 2 ** 17, r: 8, p: 1 };
const KEYLEN = 32;

/** Passwords are low-entropy and human: a memory-hard KDF with a per-user salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, KEYLEN, {
    ...PARAMS,
    maxmem: 256 * 1024 * 1024,
  });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(
    password.normalize('NFKC'),
    Buffer.from(salt, 'base64url'),
    expected.length,
    {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: 256 * 1024 * 1024,
    },
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to compare against when the user does not exist, so timing does not reveal that. */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  return dummy;
}
