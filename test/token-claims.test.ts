import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { type LiveGatehouse, liveGatehouse } from './helpers/live-gatehouse.ts';

// An independent verifier (jose directly, not @gatehouse/resource-server) against the
// published JWKS, for every signing algorithm an app can choose.
let gh: LiveGatehouse;
before(async () => {
  gh = await liveGatehouse();
});
after(() => gh.close());

for (const alg of ['ES256', 'RS256', 'EdDSA']) {
  test(`a ${alg} token verifies against the JWKS with every claim`, async () => {
    const app = await gh.createApp({
      scopes: ['users.read', 'users.write'],
      signingAlg: alg,
      tokenTtl: 86_400,
    });
    const before = Math.floor(Date.now() / 1000);
    const token = await gh.token(app);
    const metadata = (await (await fetch(`${gh.url}/.well-known/oauth-authorization-server`)).json()) as {
      jwks_uri: string;
    };
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(metadata.jwks_uri)),
      {
        issuer: gh.issuer,
        audience: gh.audience,
        algorithms: [alg],
        typ: 'at+jwt',
      },
    );
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(protectedHeader.alg, alg);
    assert.equal(typeof protectedHeader.kid, 'string');
    assert.deepEqual(Object.keys(payload).sort(), [
      'aud',
      'client_id',
      'company_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'scope',
      'sub',
    ]);
    assert.equal(payload.iss, gh.issuer);
    assert.equal(payload.sub, app.clientId);
    assert.equal(payload.aud, gh.audience);
    assert.equal(payload.client_id, app.clientId);
    assert.equal(payload.scope, 'users.read users.write');
    assert.equal(payload.company_id, gh.ts.companyId);
    assert.ok((payload.iat as number) >= before && (payload.iat as number) <= before + 60);
    assert.equal((payload.exp as number) - (payload.iat as number), 86_400);
    assert.match(payload.jti as string, /^at_[0-9a-z]{22}$/);
  });
}
