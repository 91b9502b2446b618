import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { dpopNonceKey } from '../src/keys/crypto.ts';
import { DpopNonces } from '../src/oauth/dpop/nonces.ts';
import { Browser, decide, signIn } from './browser.ts';
import { TEST_SECRET, type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://spa.example/cb';

/** A free TCP port on 127.0.0.1, so that the issuer can name the address the server listens on. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** A DPoP proof made by hand, to get what no well-kept client would send (wrong htm, htu, nonce). */
async function handProof(
  keys: CryptoKeyPair,
  claims: { htm: string; htu: string; nonce?: string; iat?: number; jti?: string },
): Promise<string> {
  const jwk = await exportJWK(keys.publicKey);
  return new SignJWT({ htm: claims.htm, htu: claims.htu, ...(claims.nonce ? { nonce: claims.nonce } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .setJti(claims.jti ?? crypto.randomUUID())
    .sign(keys.privateKey);
}

describe('DPoP at the token endpoint (RFC 9449), driven by openid-client and oauth4webapi', () => {
  let t: TestServer;
  let issuer: string;
  let tokenUrl: string;
  /** openid-client's configuration for a confidential app with the given settings. */
  const configFor = async (input: Parameters<TestServer['createApp']>[0] = {}) => {
    const app = await t.createApp(input);
    const config = await client.discovery(new URL(issuer), app.clientId, app.clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
    return { app, config };
  };
  const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body),
    });

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    tokenUrl = `${issuer}/oauth2/token`;
    t = await testServer({ config: { issuer, introspectionClients: [] } });
    await t.http.listen({ host: '127.0.0.1', port });
    await t.gh.companies.createUser(
      { email: 'ada@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  test('metadata lists the proof algorithms, exactly', async () => {
    const as = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
    assert.deepEqual(as.dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'Ed25519', 'RS256']);
    const oidc = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    assert.deepEqual(oidc.dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'Ed25519', 'RS256']);
  });

  test('client credentials with a proof: a DPoP token bound to the key (JWT cnf.jkt), introspected with cnf', async () => {
    const { app, config } = await configFor();
    const keys = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(config, keys);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'users.read' }, { DPoP });
    assert.equal(tokens.token_type, 'dpop');
    const jkt = await calculateJwkThumbprint(await exportJWK(keys.publicKey));
    assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt });
    const seen = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(seen.active, true);
    assert.equal(seen.token_type, 'DPoP');
    assert.deepEqual(seen.cnf, { jkt });
    // Without a proof the same app still gets plain bearer tokens: DPoP is optional unless required.
    const bearer = await client.clientCredentialsGrant(config, { scope: 'users.read' });
    assert.equal(bearer.token_type, 'bearer');
    assert.equal(decodeJwt(bearer.access_token).cnf, undefined);
    assert.ok(app.clientId);
  });

  test('EdDSA and RS256 proofs are accepted too; an opaque token records its binding', async () => {
    const { config } = await configFor({ tokenFormat: 'opaque' });
    for (const alg of ['EdDSA', 'RS256'] as const) {
      const keys = await client.randomDPoPKeyPair(alg);
      const tokens = await client.clientCredentialsGrant(
        config,
        {},
        { DPoP: client.getDPoPHandle(config, keys) },
      );
      assert.equal(tokens.token_type, 'dpop');
      assert.ok(tokens.access_token.startsWith('gtht_'));
      const seen = await client.tokenIntrospection(config, tokens.access_token);
      assert.deepEqual(seen.cnf, { jkt: await calculateJwkThumbprint(await exportJWK(keys.publicKey)) });
      assert.equal(seen.token_type, 'DPoP');
    }
  });

  test('a replayed proof (same jti) is refused', async () => {
    const { app } = await configFor();
    const as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), { [oauth.allowInsecureRequests]: true }),
    );
    const c: oauth.Client = { client_id: app.clientId };
    let captured: string | undefined;
    const keys = await oauth.generateKeyPair('ES256');
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      c,
      oauth.ClientSecretPost(app.clientSecret),
      new URLSearchParams(),
      {
        DPoP: oauth.DPoP(c, keys),
        [oauth.allowInsecureRequests]: true,
        [oauth.customFetch]: (url, init) => {
          captured = new Headers(init.headers).get('dpop') ?? undefined;
          return fetch(url, init);
        },
      },
    );
    assert.equal(response.status, 200);
    assert.ok(captured);
    const again = await post(
      { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret },
      { dpop: captured },
    );
    assert.equal(again.status, 400);
    const body = await again.json();
    assert.equal(body.error, 'invalid_dpop_proof');
    assert.match(body.error_description, /already used/);
  });

  test('a proof for another method or URI, a stale one, or a malformed one is refused', async () => {
    const { app } = await configFor();
    const keys = await generateKeyPair('ES256');
    const creds = {
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
    };
    const cases: Array<[string, Promise<string> | string, RegExp]> = [
      ['wrong htm', handProof(keys, { htm: 'GET', htu: tokenUrl }), /"htm"/],
      ['wrong htu', handProof(keys, { htm: 'POST', htu: `${issuer}/oauth2/introspect` }), /"htu"/],
      ['other host', handProof(keys, { htm: 'POST', htu: 'https://evil.example/oauth2/token' }), /"htu"/],
      [
        'stale iat',
        handProof(keys, { htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000) - 600 }),
        /"iat"/,
      ],
      [
        'future iat',
        handProof(keys, { htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000) + 600 }),
        /"iat"/,
      ],
      ['not a JWT', 'not-a-jwt', /one DPoP proof JWT/],
    ];
    for (const [name, proof, problem] of cases) {
      const res = await post(creds, { dpop: await proof });
      assert.equal(res.status, 400, name);
      const body = await res.json();
      assert.equal(body.error, 'invalid_dpop_proof', name);
      assert.match(body.error_description, problem, name);
    }
    // A proof carrying its private key is no proof (the jwk header must be public).
    const rsa = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(rsa.privateKey);
    const leaky = await new SignJWT({ htm: 'POST', htu: tokenUrl })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk })
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .sign(rsa.privateKey);
    const res = await post(creds, { dpop: leaky });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, 'invalid_dpop_proof');
    // The wrong typ.
    const plain = await new SignJWT({ htm: 'POST', htu: tokenUrl })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: await exportJWK(keys.publicKey) })
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .sign(keys.privateKey);
    assert.equal((await (await post(creds, { dpop: plain })).json()).error, 'invalid_dpop_proof');
  });

  test('an app that requires DPoP refuses requests without a proof and serves openid-client with one', async () => {
    const { app, config } = await configFor({ dpopBoundAccessTokens: true });
    const res = await post({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, 'invalid_dpop_proof');
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair());
    const tokens = await client.clientCredentialsGrant(config, {}, { DPoP });
    assert.equal(tokens.token_type, 'dpop');
  });

  test('server nonces: missing or stale is use_dpop_nonce with a DPoP-Nonce; openid-client retries with it', async () => {
    const { app, config } = await configFor({ useDpopNonce: true });
    const keys = await generateKeyPair('ES256');
    const creds = {
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
    };
    const missing = await post(creds, { dpop: await handProof(keys, { htm: 'POST', htu: tokenUrl }) });
    assert.equal(missing.status, 400);
    assert.equal((await missing.json()).error, 'use_dpop_nonce');
    const nonce = missing.headers.get('dpop-nonce');
    assert.ok(nonce);
    // A nonce from twenty minutes ago, made with the server's own key, is stale.
    const old = new DpopNonces(dpopNonceKey(TEST_SECRET), () => Date.now() - 20 * 60_000).current();
    const stale = await post(creds, {
      dpop: await handProof(keys, { htm: 'POST', htu: tokenUrl, nonce: old }),
    });
    assert.equal(stale.status, 400);
    const staleBody = await stale.json();
    assert.equal(staleBody.error, 'use_dpop_nonce');
    assert.match(staleBody.error_description, /stale/);
    const forged = await post(creds, {
      dpop: await handProof(keys, { htm: 'POST', htu: tokenUrl, nonce: `${nonce.split('.')[0]}.forged` }),
    });
    assert.equal((await forged.json()).error, 'use_dpop_nonce');
    const good = await post(creds, { dpop: await handProof(keys, { htm: 'POST', htu: tokenUrl, nonce }) });
    assert.equal(good.status, 200, await good.clone().text());
    assert.equal((await good.json()).token_type, 'DPoP');
    // openid-client learns the nonce from the use_dpop_nonce answer and retries by itself.
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair());
    const tokens = await client.clientCredentialsGrant(config, {}, { DPoP });
    assert.equal(tokens.token_type, 'dpop');
  });

  test('a public client: code and refresh with one key; the refresh token is bound to it', async () => {
    const spa = await t.createApp({
      name: 'SPA',
      type: 'partner',
      clientType: 'public',
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['users.read'],
      redirectUris: [REDIRECT],
    });
    const config = await client.discovery(new URL(issuer), spa.clientId, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'users.read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st-1',
    });
    const b = new Browser(t.http);
    const login = await b.follow('GET', `${url.pathname}${url.search}`);
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    const done = await decide(b, consent.res.body, 'grant');
    const keys = await client.randomDPoPKeyPair();
    const DPoP = client.getDPoPHandle(config, keys);
    const tokens = await client.authorizationCodeGrant(
      config,
      new URL(done.location as string),
      { pkceCodeVerifier: verifier, expectedState: 'st-1' },
      undefined,
      { DPoP },
    );
    assert.equal(tokens.token_type, 'dpop');
    const jkt = await calculateJwkThumbprint(await exportJWK(keys.publicKey));
    assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt });
    const refreshToken = tokens.refresh_token as string;

    // Without a proof, or with another key's, the bound refresh token is refused and stays good.
    const bare = await post({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: spa.clientId,
    });
    assert.equal(bare.status, 400);
    assert.equal((await bare.json()).error, 'invalid_dpop_proof');
    const other = client.getDPoPHandle(config, await client.randomDPoPKeyPair());
    await assert.rejects(
      client.refreshTokenGrant(config, refreshToken, undefined, { DPoP: other }),
      (err) => {
        assert.equal((err as client.ResponseBodyError).error, 'invalid_grant');
        return true;
      },
    );

    const refreshed = await client.refreshTokenGrant(config, refreshToken, undefined, { DPoP });
    assert.equal(refreshed.token_type, 'dpop');
    assert.deepEqual(decodeJwt(refreshed.access_token).cnf, { jkt });

    // The bound token is no bearer token: /userinfo (bearer only) refuses it.
    const info = await fetch(`${issuer}/userinfo`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    assert.equal(info.status, 401);
  });
});
