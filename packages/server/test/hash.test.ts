import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { type DigestApi, hashEquals, sha256, sha256With } from '../src/util/hash.ts';

// FIPS 180-2 appendix B.1 ("abc"), as base64url.
const ABC = 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0';

describe('sha256', () => {
  test('is base64url SHA-256 of the UTF-8 bytes', () => {
    assert.equal(sha256('abc'), ABC);
    assert.equal(sha256('é'), crypto.createHash('sha256').update('é', 'utf8').digest('base64url'));
  });

  test('uses the one-shot digest and makes no Hash object where node:crypto has one', () => {
    const calls: string[] = [];
    const api: DigestApi = {
      hash: (alg, data, enc) => {
        calls.push('hash');
        return crypto.hash(alg, data, enc);
      },
      createHash: (alg) => {
        calls.push('createHash');
        return crypto.createHash(alg);
      },
    };
    assert.equal(sha256With(api)('abc'), ABC);
    assert.deepEqual(calls, ['hash']);
  });

  test('falls back to createHash where there is no one-shot digest (Node before 20.12)', () => {
    const api: DigestApi = { createHash: (alg) => crypto.createHash(alg) };
    assert.equal(sha256With(api)('abc'), ABC);
  });
});

describe('hashEquals', () => {
  test('compares two digests', () => {
    assert.equal(hashEquals(sha256('a'), sha256('a')), true);
    assert.equal(hashEquals(sha256('a'), sha256('b')), false);
    assert.equal(hashEquals(sha256('a'), 'short'), false);
  });
});
