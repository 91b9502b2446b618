import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  codeChallengeS256,
  generateCodeVerifier,
  metadataUrl,
  parseRetryAfter,
  tokenTiming,
} from '../src/index.ts';

test('renewal margin: the smaller of 60 s and a tenth of the lifetime, plus up to half again of jitter', () => {
  const hour = tokenTiming(0, 3600, {}, () => 0);
  assert.equal(hour.expiresAt, 3_599_000, 'one second off for whole-second exp stamps');
  assert.equal(hour.refreshAt, 3_599_000 - 60_000);
  assert.equal(tokenTiming(0, 3600, {}, () => 1).refreshAt, 3_599_000 - 90_000);
  const short = tokenTiming(1000, 2, {}, () => 0);
  assert.deepEqual(short, { expiresAt: 2000, refreshAt: 1900 });
  assert.equal(tokenTiming(0, 300, { renewBeforeMs: 5000 }, () => 0).refreshAt, 299_000 - 5000);
});

test('Retry-After: delay-seconds or an HTTP-date; garbage is ignored', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28, 0)), 10_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

test('RFC 8414 metadata URL and the RFC 7636 S256 challenge', async () => {
  assert.equal(
    metadataUrl(new URL('https://a.example')).href,
    'https://a.example/.well-known/oauth-authorization-server',
  );
  assert.equal(
    metadataUrl(new URL('https://a.example/tenant/')).href,
    'https://a.example/.well-known/oauth-authorization-server/tenant',
  );
  const verifier = generateCodeVerifier();
  assert.equal(
    await codeChallengeS256(verifier),
    createHash('sha256').update(verifier).digest('base64url'),
    'Web Crypto agrees with node:crypto',
  );
  await assert.rejects(codeChallengeS256('short'), TypeError);
});
