import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import pino from 'pino';
import { basic, FORM, type TestServer, testServer } from './helpers.ts';

describe('token endpoint: client_credentials', () => {
  let t: TestServer;
  let app: { appId: string; clientId: string; clientSecret: string };

  before(async () => {
    t = await testServer();
    app = await t.createApp({ scopes: ['users.read', 'users.write', 'users.delete'], tokenTtl: 86400 });
  });
  after(() => t.close());

  const post = (payload: string, headers: Record<string, string> = {}, url = '/oauth2/token') =>
    t.http.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload });

  it('issues a Bearer JWT with Basic auth at every token path, with no-store', async () => {
    for (const url of ['/oauth2/token', '/oauth/v1/token', '/oauth/token', '/v1/oauth2/token']) {
      const res = await post(
        'grant_type=client_credentials',
        { authorization: basic(app.clientId, app.clientSecret) },
        url,
      );
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers.pragma, 'no-cache');
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const body = res.json();
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 86400);
      assert.equal(body.scope, 'users.delete users.read users.write');
      assert.equal(body.access_token.split('.').length, 3);
    }
  });

  it('accepts client_secret_post', async () => {
    const res = await post(
      `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=users.read`,
    );
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().scope, 'users.read');
  });

  it('issues an RFC 9068 JWT that verifies against the published JWKS with every claim', async () => {
    const res = await post('grant_type=client_credentials&scope=users.read users.write', {
      authorization: basic(app.clientId, app.clientSecret),
    });
    const { access_token } = res.json();
    const jwks = (await t.http.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    const { payload, protectedHeader } = await jwtVerify(access_token, createLocalJWKSet(jwks), {
      issuer: t.config.issuer,
      audience: t.config.audience,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.ok(protectedHeader.kid);
    assert.equal(payload.sub, app.clientId);
    assert.equal(payload.client_id, app.clientId);
    assert.equal(payload.scope, 'users.read users.write');
    assert.equal(payload.company_id, t.companyId);
    assert.equal((payload.exp as number) - (payload.iat as number), 86400);
    assert.match(String(payload.jti), /^at_/);
  });

  it('signs with the app algorithm: RS256 and EdDSA', async () => {
    for (const alg of ['RS256', 'EdDSA'] as const) {
      const a = await t.createApp({ signingAlg: alg });
      const res = await post('grant_type=client_credentials', {
        authorization: basic(a.clientId, a.clientSecret),
      });
      const jwks = (await t.http.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
      const { protectedHeader } = await jwtVerify(res.json().access_token, createLocalJWKSet(jwks), {
        issuer: t.config.issuer,
        audience: t.config.audience,
      });
      assert.equal(protectedHeader.alg, alg);
    }
  });

  it('never issues more scope than the app holds', async () => {
    const res = await post('grant_type=client_credentials&scope=users.read schedule.read', {
      authorization: basic(app.clientId, app.clientSecret),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'invalid_scope');
    assert.match(res.json().error_description, /schedule\.read/);
  });

  it('rejects malformed scope syntax as invalid_scope', async () => {
    const res = await post('grant_type=client_credentials&scope=%22users.read%22', {
      authorization: basic(app.clientId, app.clientSecret),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'invalid_scope');
  });
});

describe('token endpoint: errors (RFC 6749 5.2)', () => {
  let t: TestServer;
  let app: { appId: string; clientId: string; clientSecret: string };

  before(async () => {
    t = await testServer();
    app = await t.createApp();
  });
  after(() => t.close());

  const expectError = (
    res: {
      statusCode: number;
      json(): { error: string; error_description: string };
      headers: Record<string, unknown>;
    },
    status: number,
    error: string,
  ) => {
    assert.equal(res.statusCode, status);
    const body = res.json();
    assert.equal(body.error, error);
    assert.equal(typeof body.error_description, 'string');
    assert.ok(body.error_description.length > 10, 'error_description says something useful');
    assert.equal(res.headers['cache-control'], 'no-store');
  };

  it('a JSON body is invalid_request naming the content type', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/json', authorization: basic(app.clientId, app.clientSecret) },
      payload: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expectError(res, 400, 'invalid_request');
    assert.match(res.json().error_description, /x-www-form-urlencoded/);
  });

  it('a missing content type is invalid_request', async () => {
    const res = await t.http.inject({ method: 'POST', url: '/oauth2/token' });
    expectError(res, 400, 'invalid_request');
  });

  it('an empty Content-Type is 400 invalid_request, not 415, at every OAuth form endpoint', async () => {
    for (const url of ['/oauth2/token', '/oauth/token', '/oauth2/revoke', '/oauth2/introspect']) {
      for (const contentType of ['', '   ']) {
        const res = await t.http.inject({
          method: 'POST',
          url,
          headers: { 'content-type': contentType, authorization: basic(app.clientId, app.clientSecret) },
          payload: 'grant_type=client_credentials&token=x',
        });
        expectError(res, 400, 'invalid_request');
        assert.match(res.json().error_description, /Content-Type header is empty/, url);
        assert.match(res.json().error_description, /x-www-form-urlencoded/, url);
      }
    }
  });

  it('a Content-Type that is not a media type at all is invalid_request too (docs/errors.md)', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'form', authorization: basic(app.clientId, app.clientSecret) },
      payload: 'grant_type=client_credentials',
    });
    expectError(res, 400, 'invalid_request');
    assert.match(res.json().error_description, /not a media type/);
  });

  it('the form pages, the console forms and userinfo answer an empty Content-Type with 400 invalid_request', async () => {
    for (const url of [
      '/login',
      '/authorize/company',
      '/authorize/consent',
      '/logout',
      '/oauth2/authorize',
      `/console/c/${t.companyId}/apps`,
      '/userinfo',
    ]) {
      const res = await t.http.inject({
        method: 'POST',
        url,
        headers: { 'content-type': '' },
        payload: 'a=b',
      });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().error, 'invalid_request', url);
    }
  });

  it('a form content type with a charset parameter is accepted', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        authorization: basic(app.clientId, app.clientSecret),
      },
      payload: 'grant_type=client_credentials',
    });
    assert.equal(res.statusCode, 200);
  });

  it('duplicate parameters are invalid_request', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
      payload: 'grant_type=client_credentials&scope=users.read&scope=users.write',
    });
    expectError(res, 400, 'invalid_request');
    assert.match(res.json().error_description, /"scope" is included more than once/);
  });

  it('missing grant_type is invalid_request', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
      payload: 'scope=users.read',
    });
    expectError(res, 400, 'invalid_request');
    assert.match(res.json().error_description, /grant_type/);
  });

  it('an unknown grant_type is unsupported_grant_type', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
      payload: 'grant_type=password&username=a&password=b',
    });
    expectError(res, 400, 'unsupported_grant_type');
  });

  it('a grant the app may not use is unauthorized_client', async () => {
    const partner = await t.createApp({
      type: 'partner',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://partner.example/callback'],
    });
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: basic(partner.clientId, partner.clientSecret) },
      payload: 'grant_type=client_credentials',
    });
    expectError(res, 400, 'unauthorized_client');
  });

  it('no client authentication is 401 invalid_client without a Basic challenge', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: FORM,
      payload: 'grant_type=client_credentials',
    });
    expectError(res, 401, 'invalid_client');
    assert.equal(res.headers['www-authenticate'], undefined);
  });

  it('Basic and client_secret together is invalid_request', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: basic(app.clientId, app.clientSecret) },
      payload: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}`,
    });
    expectError(res, 400, 'invalid_request');
  });

  it('a wrong secret over Basic is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: basic(app.clientId, `${app.clientSecret}x`) },
      payload: 'grant_type=client_credentials',
    });
    expectError(res, 401, 'invalid_client');
    assert.match(String(res.headers['www-authenticate']), /^Basic realm="gatehouse"/);
  });

  it('an unknown client over Basic gets the same answer as a wrong secret', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: basic('cl_doesnotexist', app.clientSecret) },
      payload: 'grant_type=client_credentials',
    });
    expectError(res, 401, 'invalid_client');
    assert.match(res.json().error_description, /unknown client or wrong secret/);
  });

  it('garbage Basic credentials are 401 invalid_client, not a 500', async () => {
    for (const authorization of [
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
      `Basic ${Buffer.from('%zz:%zz').toString('base64')}`,
    ]) {
      const res = await t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { ...FORM, authorization },
        payload: 'grant_type=client_credentials',
      });
      expectError(res, 401, 'invalid_client');
      assert.match(String(res.headers['www-authenticate']), /^Basic/);
    }
  });

  it('a Bearer header at the token endpoint is invalid_client with a Basic challenge', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: 'Bearer abc' },
      payload: 'grant_type=client_credentials',
    });
    expectError(res, 401, 'invalid_client');
    assert.match(String(res.headers['www-authenticate']), /^Basic/);
  });

  it('a wrong secret in the body is 401 invalid_client without a challenge', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: FORM,
      payload: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=nope`,
    });
    expectError(res, 401, 'invalid_client');
    assert.equal(res.headers['www-authenticate'], undefined);
  });

  it('an oversized body is a JSON 413, not a crash', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: FORM,
      payload: `grant_type=client_credentials&pad=${'a'.repeat(40_000)}`,
    });
    expectError(res, 413, 'request_too_large');
  });
});

describe('token endpoint: secrets lifecycle and caches', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer();
  });
  after(() => t.close());

  const token = (clientId: string, secret: string) =>
    t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { ...FORM, authorization: basic(clientId, secret) },
      payload: 'grant_type=client_credentials',
    });

  it('client secrets carry the scanner prefix and 256 bits', async () => {
    const a = await t.createApp();
    assert.match(a.clientSecret, /^gths_[A-Za-z0-9_-]{43}$/);
  });

  it('rotation without grace stops the old secret at once; with grace both work', async () => {
    const a = await t.createApp();
    assert.equal((await token(a.clientId, a.clientSecret)).statusCode, 200); // now cached
    const r1 = await t.gh.apps.rotateSecret(t.companyId, a.appId, 'test');
    assert.equal((await token(a.clientId, a.clientSecret)).statusCode, 401);
    assert.equal((await token(a.clientId, r1.clientSecret)).statusCode, 200);
    const r2 = await t.gh.apps.rotateSecret(t.companyId, a.appId, 'test', 3600);
    assert.equal((await token(a.clientId, r1.clientSecret)).statusCode, 200);
    assert.equal((await token(a.clientId, r2.clientSecret)).statusCode, 200);
  });

  it('a deleted app can no longer get tokens', async () => {
    const a = await t.createApp();
    assert.equal((await token(a.clientId, a.clientSecret)).statusCode, 200);
    await t.gh.apps.delete(t.companyId, a.appId, 'test');
    assert.equal((await token(a.clientId, a.clientSecret)).statusCode, 401);
  });

  it('an app created after its client_id was looked up is usable at once', async () => {
    const res = await token('cl_notyet', 'x');
    assert.equal(res.statusCode, 401);
    const a = await t.createApp();
    assert.equal((await token(a.clientId, a.clientSecret)).statusCode, 200);
  });

  it('another process sharing the database sees a rotation within the poll interval', async () => {
    const other = await testServer({
      config: { dataDir: t.config.dataDir, databaseUrl: t.config.databaseUrl },
    });
    try {
      const a = await t.createApp();
      const viaOther = () =>
        other.http.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: { ...FORM, authorization: basic(a.clientId, a.clientSecret) },
          payload: 'grant_type=client_credentials',
        });
      assert.equal((await viaOther()).statusCode, 200); // cached in the other node
      await t.gh.apps.rotateSecret(t.companyId, a.appId, 'test');
      await other.gh.bus.poll(); // what the node's timer does every poll interval
      assert.equal((await viaOther()).statusCode, 401);
    } finally {
      await other.close();
    }
  });

  it('token responses never contain the client secret', async () => {
    const a = await t.createApp();
    const res = await token(a.clientId, a.clientSecret);
    assert.ok(!res.body.includes(a.clientSecret));
    const claims = decodeJwt(res.json().access_token);
    assert.ok(!JSON.stringify(claims).includes(a.clientSecret));
  });
});

describe('logging', () => {
  it('trace-level logs of token requests, successes and failures, hold no secret or token', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
    const t = await testServer({ logger, config: { logLevel: 'trace' } });
    try {
      const a = await t.createApp();
      const ok = await t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { ...FORM, authorization: basic(a.clientId, a.clientSecret) },
        payload: 'grant_type=client_credentials',
      });
      assert.equal(ok.statusCode, 200);
      await t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: FORM,
        payload: `grant_type=client_credentials&client_id=${a.clientId}&client_secret=${a.clientSecret}x`,
      });
      const logs = lines.join('');
      assert.ok(lines.length >= 4, 'request logging is on at trace level');
      assert.ok(!logs.includes(a.clientSecret), 'no client secret in logs');
      assert.ok(!logs.includes(ok.json().access_token), 'no access token in logs');
      assert.ok(
        !logs.includes(Buffer.from(`${a.clientId}:${a.clientSecret}`).toString('base64')),
        'no Basic credentials',
      );
    } finally {
      await t.close();
    }
  });
});
