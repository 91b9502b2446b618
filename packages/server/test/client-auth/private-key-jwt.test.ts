import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import * as client from 'openid-client';
import { Browser, decide, signIn } from '../browser.ts';
import type { TestServer } from '../helpers.ts';
import { discover, JwksServer, listeningServer, postForm } from './keys-server.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://partner.example/cb';

async function keyPair(alg: string, kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, jwk, kid };
}

describe('private_key_jwt (RFC 7523 2.2) with openid-client', () => {
  let t: TestServer & { issuer: string };
  let jwksServer: JwksServer;
  let es: Awaited<ReturnType<typeof keyPair>>;
  let rs: Awaited<ReturnType<typeof keyPair>>;
  let inline: { clientId: string; clientSecret: string };
  let remote: { clientId: string };

  before(async () => {
    // An unknown kid fetches the jwks_uri again at once (the default waits 30 s between fetches).
    t = await listeningServer({ clientJwks: { timeoutMs: 2000, cacheMaxAgeMs: 600_000, cooldownMs: 0 } });
    es = await keyPair('ES256', 'es-1');
    rs = await keyPair('RS256', 'rs-1');
    jwksServer = await JwksServer.start([rs.jwk]);
    inline = await t.createApp({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [es.jwk as Record<string, unknown>] },
    });
    remote = await t.createApp({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: jwksServer.url });
  });
  after(async () => {
    await t.close();
    await jwksServer.close();
  });

  /** A client assertion for `clientId`, with `claims` over the defaults (aud: the issuer). */
  function assertion(
    clientId: string,
    key: CryptoKey,
    kid: string,
    alg: string,
    claims: Record<string, unknown> = {},
  ) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg, kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience((claims.aud as string | undefined) ?? t.issuer)
      .setIssuedAt(now)
      .setExpirationTime((claims.exp as number | undefined) ?? now + 60)
      .sign(key);
  }

  const tokenWith = (clientAssertion: string, extra: Record<string, string> = {}) =>
    postForm(t, '/oauth2/token', {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: clientAssertion,
      ...extra,
    });

  test('client credentials, introspection and revocation with an inline JWKS', async () => {
    const config = await discover(
      t,
      inline.clientId,
      client.PrivateKeyJwt({ key: es.privateKey, kid: es.kid }),
    );
    const tokens = await client.clientCredentialsGrant(config, { scope: 'users.read' });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'users.read');
    const info = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(info.active, true);
    assert.equal(info.client_id, inline.clientId);
    await client.tokenRevocation(config, tokens.access_token);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
  });

  test('a jwks_uri served from 127.0.0.1, fetched again for an unknown kid', async () => {
    const config = await discover(
      t,
      remote.clientId,
      client.PrivateKeyJwt({ key: rs.privateKey, kid: rs.kid }),
    );
    const tokens = await client.clientCredentialsGrant(config, { scope: 'users.read' });
    assert.ok(tokens.access_token);
    const fetched = jwksServer.requests;
    await client.clientCredentialsGrant(config, { scope: 'users.read' });
    assert.equal(jwksServer.requests, fetched, 'the key set is cached');
    // A new key under a new kid: found by fetching again (rate-limited per URI).
    const next = await keyPair('ES256', 'es-next');
    jwksServer.keys = [rs.jwk, next.jwk];
    const rotated = await discover(
      t,
      remote.clientId,
      client.PrivateKeyJwt({ key: next.privateKey, kid: next.kid }),
    );
    assert.ok((await client.clientCredentialsGrant(rotated, { scope: 'users.read' })).access_token);
    assert.equal(jwksServer.requests, fetched + 1);
  });

  test('code exchange and refresh with private_key_jwt', async () => {
    const ada = `ada-${randomUUID()}@acme.test`;
    await t.gh.companies.createUser(
      { email: ada, password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
    const partner = await t.createApp({
      type: 'partner',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REDIRECT],
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [es.jwk as Record<string, unknown>] },
    });
    const config = await discover(
      t,
      partner.clientId,
      client.PrivateKeyJwt({ key: es.privateKey, kid: es.kid }),
    );
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
    const consent = await signIn(b, login.res.body, ada, PASSWORD);
    const done = await decide(b, consent.res.body, 'grant');
    const tokens = await client.authorizationCodeGrant(config, new URL(done.location as string), {
      pkceCodeVerifier: verifier,
      expectedState: 'st-1',
    });
    assert.ok(tokens.refresh_token, 'the app may refresh');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    assert.ok(refreshed.access_token);
  });

  test('metadata lists the methods and algorithms', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const meta = (await (await fetch(`${t.issuer}${path}`)).json()) as Record<string, string[]>;
      for (const field of [
        'token_endpoint_auth_methods_supported',
        'introspection_endpoint_auth_methods_supported',
        'revocation_endpoint_auth_methods_supported',
      ])
        assert.ok(meta[field]?.includes('private_key_jwt'), `${path} ${field}`);
      assert.ok(meta.token_endpoint_auth_signing_alg_values_supported?.includes('ES256'));
      assert.ok(meta.token_endpoint_auth_signing_alg_values_supported?.includes('RS256'));
      assert.ok(!meta.token_endpoint_auth_signing_alg_values_supported?.includes('none'));
    }
  });

  test('a replayed assertion (same jti) is refused', async () => {
    const jwt = await assertion(inline.clientId, es.privateKey, es.kid, 'ES256');
    assert.equal((await tokenWith(jwt)).status, 200);
    const again = await tokenWith(jwt);
    assert.equal(again.status, 401);
    assert.equal(again.body.error, 'invalid_client');
    assert.match(String(again.body.error_description), /already used/);
  });

  test('aud: the issuer or the token endpoint, nothing else', async () => {
    const endpoint = await tokenWith(
      await assertion(inline.clientId, es.privateKey, es.kid, 'ES256', { aud: `${t.issuer}/oauth2/token` }),
    );
    assert.equal(endpoint.status, 200);
    const wrong = await tokenWith(
      await assertion(inline.clientId, es.privateKey, es.kid, 'ES256', { aud: 'https://elsewhere.example' }),
    );
    assert.equal(wrong.status, 401);
    assert.match(String(wrong.body.error_description), /aud/);
  });

  test('exp: expired and too far ahead are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await tokenWith(
      await assertion(inline.clientId, es.privateKey, es.kid, 'ES256', { exp: now - 60 }),
    );
    assert.equal(expired.status, 401);
    assert.match(String(expired.body.error_description), /expired/);
    const far = await tokenWith(
      await assertion(inline.clientId, es.privateKey, es.kid, 'ES256', { exp: now + 3600 }),
    );
    assert.equal(far.status, 401);
    assert.match(String(far.body.error_description), /at most 300 seconds/);
  });

  test('a key the app did not register, and iss other than the client, are refused', async () => {
    const stranger = await keyPair('ES256', es.kid);
    const res = await tokenWith(await assertion(inline.clientId, stranger.privateKey, es.kid, 'ES256'));
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.match(String(res.body.error_description), /signature/);
    const otherIss = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: es.kid })
      .setIssuer('someone-else')
      .setSubject(inline.clientId)
      .setAudience(t.issuer)
      .setExpirationTime('1m')
      .sign(es.privateKey);
    const iss = await tokenWith(otherIss);
    assert.equal(iss.status, 401);
    assert.match(String(iss.body.error_description), /iss and sub/);
  });

  test('a jwks_uri on a private address is not fetched (the webhooks SSRF rules)', async () => {
    const app = await t.createApp({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwksUri: 'https://10.0.0.1/jwks.json',
    });
    const res = await tokenWith(await assertion(app.clientId, es.privateKey, es.kid, 'ES256'));
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.match(
      String(res.body.error_description),
      /jwks_uri could not be fetched: its address is not allowed \(private network\)/,
    );
    assert.doesNotMatch(String(res.body.error_description), /10\.0\.0\.1/);
  });

  test('the wrong method for the app is refused, either way', async () => {
    const secretApp = await t.createApp();
    const asAssertion = await tokenWith(await assertion(secretApp.clientId, es.privateKey, es.kid, 'ES256'));
    assert.equal(asAssertion.status, 401);
    assert.match(
      String(asAssertion.body.error_description),
      /authenticates with client_secret_basic, not private_key_jwt/,
    );
    const withSecret = await postForm(t, '/oauth2/token', {
      grant_type: 'client_credentials',
      client_id: inline.clientId,
      client_secret: inline.clientSecret,
    });
    assert.equal(withSecret.status, 401);
    assert.match(String(withSecret.body.error_description), /authenticates with private_key_jwt/);
    const badType = await postForm(t, '/oauth2/token', {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:example:other',
      client_assertion: 'x',
    });
    assert.equal(badType.status, 401);
    assert.match(String(badType.body.error_description), /client_assertion_type/);
    const notJwt = await tokenWith('not-a-jwt');
    assert.equal(notJwt.status, 401);
    assert.match(String(notJwt.body.error_description), /not a signed JWT/);
  });
});
