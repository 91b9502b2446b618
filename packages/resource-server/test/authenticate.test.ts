import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AccessTokenClaims,
  authenticate,
  checkRequirements,
  createDpopChecker,
  DEFAULT_DPOP_ALGORITHMS,
  type Requirements,
  ResourceServerError,
  type Verifier,
} from '../src/index.ts';

// The company rules of authenticate(), on a verifier whose answers are fixed here: the
// token and grant checks themselves are tested against a real Gatehouse elsewhere.
const claims = (extra: Partial<AccessTokenClaims>): AccessTokenClaims => ({
  iss: 'https://as.example',
  sub: 'cl_1',
  aud: 'https://as.example/api',
  client_id: 'cl_1',
  scope: ['v1_access'],
  exp: 2_000_000_000,
  iat: 1_700_000_000,
  jti: 'at_1',
  ...extra,
});

function verifierWith(c: AccessTokenClaims, grantCompany: string, grantScope = ''): Verifier {
  return {
    verify: async () => c,
    forget: () => {},
    resolveGrant: async (_t, _c, guid) => ({
      guid,
      company_id: grantCompany,
      client_id: c.client_id,
      scope: grantScope,
    }),
    revocations: undefined,
    close: () => {},
    verifyDpopProof: createDpopChecker(),
    dpopAlgorithms: DEFAULT_DPOP_ALGORITHMS,
  };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ResourceServerError);
    return err.code;
  }
  return 'accepted';
}

test('a token bound to a company may not name another company with x-company-guid', async () => {
  const v = verifierWith(claims({ company_id: 'co_A' }), 'co_B');
  assert.equal(
    await code(authenticate(v, { authorization: 'Bearer t', companyGuid: 'g-1' })),
    'company_mismatch',
  );
  const same = await authenticate(verifierWith(claims({ company_id: 'co_A' }), 'co_A'), {
    authorization: 'Bearer t',
    companyGuid: 'g-1',
  });
  assert.deepEqual(same.company, { id: 'co_A' });
  assert.equal(same.grant?.guid, 'g-1');
});

test('a repeated or empty x-company-guid is request_invalid; none leaves a partner without company', async () => {
  const v = verifierWith(claims({}), 'co_B');
  assert.equal(
    await code(authenticate(v, { authorization: 'Bearer t', companyGuid: ['a', 'b'] })),
    'request_invalid',
  );
  assert.equal(
    await code(authenticate(v, { authorization: 'Bearer t', companyGuid: ' ' })),
    'request_invalid',
  );
  const none = await authenticate(v, { authorization: 'Bearer t', companyGuid: undefined });
  assert.equal(none.company, undefined);
  assert.equal(none.grant, undefined);
});

test('the effective scope is token ∩ grant, parameterized scopes by entity and permission', async () => {
  const E = '8ed17dce-9eca-4383-a9e1-54f82c362b6d';
  const F = '0b6f2c1e-2d3a-4f5b-8c7d-9e0f1a2b3c4d';
  const token = claims({
    scope: ['v1_access', 'view:user', 'users.write', `target-entity:${E}:a,b`, `target-entity:${F}:a`],
  });
  const grant = `view:user v1_access target-entity:${E}:b,c target-entity:${F}:b users.read`;
  const auth = await authenticate(verifierWith(token, 'co_A', grant), {
    authorization: 'Bearer t',
    companyGuid: 'g-1',
  });
  assert.deepEqual(auth.scope, [`target-entity:${E}:b`, 'v1_access', 'view:user']);
  assert.equal(auth.claims.scope, auth.scope);
  assert.deepEqual(auth.tokenScope, token.scope);
  const check = (req: Requirements<unknown>) => {
    try {
      checkRequirements(auth, undefined, req);
      return 'allowed';
    } catch (err) {
      assert.ok(err instanceof ResourceServerError);
      return `${err.code}: ${err.message}`;
    }
  };
  assert.equal(check({ entity: { id: E, permission: 'b' } }), 'allowed');
  // In the token, not granted: the message says the grant is short.
  assert.match(check({ entity: { id: E, permission: 'a' } }), /^insufficient_scope: the company's grant/);
  assert.match(check({ entity: { id: F, permission: 'a' } }), /^insufficient_scope: the company's grant/);
  // Granted, not in the token: the token is short.
  assert.match(check({ entity: { id: E, permission: 'c' } }), /^insufficient_scope: the token lacks/);
  assert.match(check({ scopes: ['users.read'] }), /^insufficient_scope: the token lacks/);
  assert.match(check({ scopes: ['users.write'] }), /^insufficient_scope: the company's grant/);
  assert.equal(check({ scopes: ['view:user', 'v1_access'], company: true }), 'allowed');
});

test('an empty grant scope leaves nothing: every scoped requirement is refused', async () => {
  const auth = await authenticate(verifierWith(claims({ scope: ['v1_access'] }), 'co_A', ''), {
    authorization: 'Bearer t',
    companyGuid: 'g-1',
  });
  assert.deepEqual(auth.scope, []);
  assert.throws(
    () => checkRequirements(auth, undefined, { scopes: ['v1_access'] }),
    (err: unknown) => err instanceof ResourceServerError && err.code === 'insufficient_scope',
  );
});
