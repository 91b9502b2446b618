import assert from 'node:assert/strict';
import { randomFill, scrypt } from 'node:crypto';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../src/users/password.ts';

describe('passwords (scrypt on its own thread)', () => {
  test('a hash verifies its password and nothing else; malformed hashes never verify', async () => {
    const stored = await hashPassword('correct horse battery staple');
    assert.match(stored, /^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapler', stored), false);
    assert.equal(await verifyPassword('x', 'scrypt$1$2$3'), false);
    assert.equal(await verifyPassword('x', 'bcrypt$a$b$c$d$e'), false);
  });

  test('the dummy hash for unknown users has the real parameters (the same cost) and matches nothing', async () => {
    const dummy = dummyPasswordHash();
    assert.match(dummy, /^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(dummyPasswordHash(), dummy);
    assert.equal(await verifyPassword('', dummy), false);
  });

  test('NFKC: the same password typed in another Unicode form verifies', async () => {
    const stored = await hashPassword('ﬁle\u00e9');
    assert.equal(await verifyPassword('file\u0065\u0301', stored), true);
  });

  test('hashes made before (node:crypto scrypt in the pool) still verify', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const scryptPool = promisify(scrypt) as (
      password: string,
      salt: Buffer,
      keylen: number,
      options: { N: number; r: number; p: number; maxmem: number },
    ) => Promise<Buffer>;
    const key = await scryptPool('s3cret', salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
    const stored = `scrypt$131072$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    assert.equal(await verifyPassword('s3cret', stored), true);
  });

  test("sign-ins leave libuv's pool free: a pool job started behind four hashes ends before them", async () => {
    // With scrypt in the pool (4 threads by default), four hashes would hold every pool thread
    // and this randomFill, like a token signature, would wait for the first of them to end.
    let hashesDone = 0;
    const hashes = Array.from({ length: 4 }, () => hashPassword('p').then(() => hashesDone++));
    await new Promise<void>((resolve, reject) =>
      randomFill(new Uint8Array(16), (err) => (err ? reject(err) : resolve())),
    );
    assert.equal(hashesDone, 0);
    await Promise.all(hashes);
    assert.equal(hashesDone, 4);
  });
});
