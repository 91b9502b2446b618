import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AccessTokenClaims, authenticate, ResourceServerError, type Verifier } from '../src/index.ts';

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

function verifierWith(c: AccessTokenClaims, grantCompany: string): Verifier {
  return {
    verify: async () => c,
    forget: () => {},
    resolveGrant: async (_t, _c, guid) => ({
      guid,
      company_id: grantCompany,
      client_id: c.client_id,
      scope: '',
    }),
    revocations: undefined,
    close: () => {},
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
