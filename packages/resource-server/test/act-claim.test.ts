import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toAccessTokenClaims } from '../src/claims.ts';

const base = {
  iss: 'https://auth.example.com',
  sub: 'usr_1',
  aud: 'https://api.example.com/users',
  client_id: 'cl_gateway',
  scope: 'users.read',
  iat: 1,
  exp: 2,
  jti: 'at_1',
};

describe('act (RFC 8693 4.1) in the claims an API sees', () => {
  it('keeps the actor and the chain before it, and nothing else', () => {
    assert.equal(toAccessTokenClaims(base).act, undefined);
    const claims = toAccessTokenClaims({
      ...base,
      act: { sub: 'cl_relay', extra: 1, act: { sub: 'cl_gateway' } },
    });
    assert.deepEqual(claims.act, { sub: 'cl_relay', act: { sub: 'cl_gateway' } });
  });

  it('refuses an act that is not an actor, or a chain deeper than five', () => {
    const deep = (n: number): object => (n === 0 ? { sub: 'x' } : { sub: 'x', act: deep(n - 1) });
    for (const act of ['cl_x', { act: { sub: 'x' } }, [], null, deep(5)])
      assert.throws(() => toAccessTokenClaims({ ...base, act }), /"act" claim/, JSON.stringify(act));
    assert.deepEqual(toAccessTokenClaims({ ...base, act: deep(4) }).act, deep(4));
  });
});
