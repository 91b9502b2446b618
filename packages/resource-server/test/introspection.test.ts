import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import * as client from 'openid-client';
import { clientCredentialsToken, introspectingNode } from '../../../test/helpers/live-gatehouse.ts';
import { basic, FORM, type TestServer, testServer } from '../../server/test/helpers.ts';
import { createVerifier, ResourceServerError, type VerifierOptions } from '../src/index.ts';
import { rejection } from './helpers.ts';

type Creds = { clientId: string; clientSecret: string };

describe('@gatehouse/resource-server: introspection fallback for opaque tokens', () => {
  let setup: TestServer;
  let gh: TestServer;
  let url: string;
  let rs: Creds;
  let opaqueApp: Creds;
  let jwtApp: Creds;

  before(async () => {
    // The resource server's app must exist before the node that lists it starts, so a first
    // node creates the apps and a second, listening node on the same database serves them.
    setup = await testServer();
    rs = await setup.createApp({ name: 'Demo API' });
    opaqueApp = await setup.createApp({ name: 'Opaque', tokenFormat: 'opaque' });
    jwtApp = await setup.createApp({ name: 'JWT' });
    ({ gh, url } = await introspectingNode(setup, rs.clientId));
  });
  after(async () => {
    await gh.close();
    await setup.close();
  });

  const verifier = (opts: Partial<VerifierOptions> = {}) =>
    createVerifier({
      issuer: url,
      audience: gh.config.audience,
      introspection: { clientId: rs.clientId, clientSecret: rs.clientSecret },
      ...opts,
    });

  const token = (app: Creds) => clientCredentialsToken(url, app, 'users.read');

  async function revoke(app: Creds, value: string) {
    const res = await fetch(`${url}/oauth2/revoke`, {
      method: 'POST',
      headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
      body: new URLSearchParams({ token: value }),
    });
    assert.equal(res.status, 200);
  }

  it('verifies an opaque token through the discovered introspection endpoint', async () => {
    const value = await token(opaqueApp);
    assert.match(value, /^gtht_/);
    const claims = await verifier().verify(value);
    assert.equal(claims.iss, url);
    assert.equal(claims.aud, gh.config.audience);
    assert.equal(claims.client_id, opaqueApp.clientId);
    assert.equal(claims.sub, opaqueApp.clientId);
    assert.deepEqual(claims.scope, ['users.read']);
    assert.equal(claims.company_id, setup.companyId);
    assert.match(claims.jti, /^at_/);
    assert.equal(claims.exp - claims.iat, 3600);
  });

  it('an opaque DPoP-bound token (openid-client) is introspected with its cnf', async () => {
    const config = await client.discovery(
      new URL(url),
      opaqueApp.clientId,
      opaqueApp.clientSecret,
      undefined,
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const keys = await client.randomDPoPKeyPair();
    const DPoP = client.getDPoPHandle(config, keys);
    const { access_token } = await client.clientCredentialsGrant(config, { scope: 'users.read' }, { DPoP });
    const claims = await verifier().verify(access_token);
    assert.deepEqual(claims.cnf, { jkt: await calculateJwkThumbprint(await exportJWK(keys.publicKey)) });
  });

  it('JWTs are still verified locally with introspection configured', async () => {
    const claims = await verifier().verify(await token(jwtApp));
    assert.equal(claims.client_id, jwtApp.clientId);
  });

  it('a revoked opaque token is refused despite its cached answer: the feed reaches it', async () => {
    const v = verifier({
      introspection: {
        clientId: rs.clientId,
        clientSecret: rs.clientSecret,
        endpoint: `${url}/oauth2/introspect`,
      },
    });
    const value = await token(opaqueApp);
    const claims = await v.verify(value);
    assert.ok(claims.jti);
    await revoke(opaqueApp, value);
    // The active answer is cached until exp, but the feed's jti entry refuses it within ~1 s.
    let code: string | undefined;
    for (let i = 0; i < 50 && code === undefined; i++) {
      code = await rejection(v.verify(value)).catch(() => undefined);
      if (code === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(code, 'token_revoked');
    // Forgetting the cached answer makes the verifier ask again: inactive.
    v.forget(claims.jti);
    assert.ok(['token_inactive', 'token_revoked'].includes((await rejection(v.verify(value))) ?? ''));
    // A fresh verifier asks Gatehouse and hears at once that the token is revoked.
    assert.equal(await rejection(verifier().verify(value)), 'token_inactive');
  });

  it('unknown opaque tokens are inactive (401 invalid_token)', async () => {
    const v = verifier();
    const err = await v.verify('gtht_not-a-token').catch((e: unknown) => e);
    assert.ok(err instanceof ResourceServerError);
    assert.equal(err.code, 'token_inactive');
    assert.equal(err.status, 401);
    assert.equal(err.bearerError, 'invalid_token');
  });

  it('an app not listed as a resource server learns nothing about other apps’ tokens', async () => {
    const value = await token(opaqueApp);
    const v = verifier({ introspection: { clientId: jwtApp.clientId, clientSecret: jwtApp.clientSecret } });
    assert.equal(await rejection(v.verify(value)), 'token_inactive');
  });

  it('wrong resource-server credentials are a 503 introspection_unavailable, not a verdict on the token', async () => {
    const value = await token(opaqueApp);
    const v = verifier({ introspection: { clientId: rs.clientId, clientSecret: 'gths_wrong' } });
    const err = await v.verify(value).catch((e: unknown) => e);
    assert.ok(err instanceof ResourceServerError);
    assert.equal(err.code, 'introspection_unavailable');
    assert.equal(err.status, 503);
  });

  it('without introspection configured an opaque token is malformed', async () => {
    const value = await token(opaqueApp);
    const v = createVerifier({ issuer: url, audience: gh.config.audience });
    assert.equal(await rejection(v.verify(value)), 'token_malformed');
  });
});
