import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Browser, decide, field, signIn } from './browser.ts';
import { FORM, type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://client.example/cb';
const VERIFIER = 'dBjftJeZ4CVP-mJ92ZoUf4DP8wnVhJx7hbkpL1lGxpzt0aSx';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

describe('authorization endpoint and code grant security', () => {
  let t: TestServer;
  let app: { clientId: string; clientSecret: string };
  let other: { clientId: string; clientSecret: string };
  let pub: { clientId: string };

  before(async () => {
    t = await testServer();
    const base = {
      type: 'partner' as const,
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['view:user'],
    };
    app = await t.createApp({
      ...base,
      name: 'Confidential',
      redirectUris: [REDIRECT, 'http://127.0.0.1:8080/cb'],
    });
    other = await t.createApp({ ...base, name: 'Other', redirectUris: [REDIRECT] });
    pub = await t.createApp({ ...base, name: 'SPA', clientType: 'public', redirectUris: [REDIRECT] });
    await t.gh.companies.createUser(
      { email: 'ada@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  const authorizeUrl = (clientId: string, extra: Record<string, string> = {}) =>
    `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'view:user', state: 's1', ...extra })}`;

  /** Runs the browser part and returns the code. */
  async function getCode(clientId: string, extra: Record<string, string> = {}) {
    const b = new Browser(t.http);
    const login = await b.follow('GET', authorizeUrl(clientId, extra));
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    const done = await decide(b, consent.res.body, 'grant');
    return new URL(done.location as string).searchParams.get('code') as string;
  }

  const exchange = (payload: Record<string, string>) =>
    t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: FORM,
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        redirect_uri: REDIRECT,
        ...payload,
      }).toString(),
    });

  test('redirect URI mismatches render a page and never redirect', async () => {
    const bad = [
      'https://client.example/cb/',
      'https://client.example/CB',
      'https://CLIENT.example/cb',
      'https://client.example/cb?x=1',
      'https://client.example:443/cb',
      'https://client.example:8443/cb',
      'https://client.example/a/../cb',
      'https://client.example/%2e%2e/cb',
      'https://client.example/cb%2F',
      'https://client.example@evil.example/cb',
      'https://evil.example@client.example/cb',
      'https://client.example.evil.example/cb',
      'http://client.example/cb',
      'https://client.example/cb#frag',
      'http://127.0.0.1:8080/cb/',
      'http://localhost:8080/cb',
    ];
    for (const uri of bad) {
      const res = await t.http.inject(authorizeUrl(app.clientId, { redirect_uri: uri }));
      assert.equal(res.statusCode, 400, uri);
      assert.equal(res.headers.location, undefined, uri);
      assert.match(res.headers['content-type'] as string, /text\/html/);
    }
    const unknown = await t.http.inject(authorizeUrl('cl_nope'));
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.headers.location, undefined);
  });

  test('loopback redirect URIs may vary the port only', async () => {
    const res = await t.http.inject(
      authorizeUrl(app.clientId, { redirect_uri: 'http://127.0.0.1:51234/cb' }),
    );
    assert.equal(res.statusCode, 303);
    assert.match(res.headers.location as string, /^\/login\?flow=/);
  });

  test('duplicated parameters are an error; unknown ones are ignored', async () => {
    const dup = await t.http.inject(`${authorizeUrl(app.clientId)}&state=again`);
    assert.equal(dup.statusCode, 400);
    assert.equal(dup.headers.location, undefined);
    const unknown = await t.http.inject(`${authorizeUrl(app.clientId)}&foo=bar`);
    assert.equal(unknown.statusCode, 303);
  });

  test('errors after client and redirect URI are valid redirect with state and iss', async () => {
    const res = await t.http.inject(authorizeUrl(app.clientId, { scope: 'delete:user' }));
    assert.equal(res.statusCode, 303);
    const loc = new URL(res.headers.location as string);
    assert.equal(loc.origin + loc.pathname, REDIRECT);
    assert.equal(loc.searchParams.get('error'), 'invalid_scope');
    assert.equal(loc.searchParams.get('state'), 's1');
    assert.equal(loc.searchParams.get('iss'), 'http://gatehouse.test');
  });

  test('PKCE: plain refused, public clients need it, verifier checked', async () => {
    const plain = await t.http.inject(
      authorizeUrl(app.clientId, { code_challenge: VERIFIER, code_challenge_method: 'plain' }),
    );
    assert.equal(new URL(plain.headers.location as string).searchParams.get('error'), 'invalid_request');
    const noMethod = await t.http.inject(authorizeUrl(app.clientId, { code_challenge: CHALLENGE }));
    assert.equal(new URL(noMethod.headers.location as string).searchParams.get('error'), 'invalid_request');
    const missing = await t.http.inject(authorizeUrl(pub.clientId));
    assert.equal(new URL(missing.headers.location as string).searchParams.get('error'), 'invalid_request');

    const pkce = { code_challenge: CHALLENGE, code_challenge_method: 'S256' };
    const wrong = await exchange({
      code: await getCode(pub.clientId, pkce),
      client_id: pub.clientId,
      code_verifier: `${VERIFIER.slice(0, -1)}y`,
    });
    assert.equal(wrong.json().error, 'invalid_grant', wrong.body);
    const none = await exchange({ code: await getCode(pub.clientId, pkce), client_id: pub.clientId });
    assert.equal(none.json().error, 'invalid_grant');
    const ok = await exchange({
      code: await getCode(pub.clientId, pkce),
      client_id: pub.clientId,
      code_verifier: VERIFIER,
    });
    assert.equal(ok.statusCode, 200, ok.body);

    const withoutChallenge = await exchange({
      code: await getCode(app.clientId),
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code_verifier: VERIFIER,
    });
    assert.equal(withoutChallenge.json().error, 'invalid_grant');
  });

  test('code replay fails and revokes what the code issued', async () => {
    const code = await getCode(app.clientId);
    const creds = { client_id: app.clientId, client_secret: app.clientSecret };
    const first = await exchange({ code, ...creds });
    assert.equal(first.statusCode, 200);
    const second = await exchange({ code, ...creds });
    assert.equal(second.statusCode, 400);
    assert.equal(second.json().error, 'invalid_grant');
    const refresh = await t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: FORM,
      payload: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: first.json().refresh_token,
        ...creds,
      }).toString(),
    });
    assert.equal(refresh.json().error, 'invalid_grant');
    const jti = JSON.parse(Buffer.from(first.json().access_token.split('.')[1], 'base64url').toString()).jti;
    const revoked = await t.gh.storage.listRevokedAccessTokens();
    assert.ok(revoked.some((r) => r.jti === jti));
  });

  test('a code of another client and an expired code are refused', async () => {
    const code = await getCode(app.clientId);
    const stolen = await exchange({ code, client_id: other.clientId, client_secret: other.clientSecret });
    assert.equal(stolen.json().error, 'invalid_grant');
    // The rightful client can still redeem it: the thief did not burn it.
    const ok = await exchange({ code, client_id: app.clientId, client_secret: app.clientSecret });
    assert.equal(ok.statusCode, 200);

    const late = await getCode(app.clientId);
    const realNow = Date.now;
    Date.now = () => realNow() + 61_000;
    try {
      const expired = await exchange({
        code: late,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      });
      assert.equal(expired.json().error, 'invalid_grant');
      assert.match(expired.json().error_description, /expired/);
    } finally {
      Date.now = realNow;
    }
  });

  test('refresh rotation and reuse detection revoke the family', async () => {
    const creds = { client_id: app.clientId, client_secret: app.clientSecret };
    const first = (await exchange({ code: await getCode(app.clientId), ...creds })).json();
    const refresh = (token: string, extra: Record<string, string> = {}) =>
      t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: FORM,
        payload: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token,
          ...creds,
          ...extra,
        }).toString(),
      });
    const widened = await refresh(first.refresh_token, { scope: 'view:user update:user' });
    assert.equal(widened.json().error, 'invalid_scope');
    const otherClient = await refresh(first.refresh_token, {
      client_id: other.clientId,
      client_secret: other.clientSecret,
    });
    assert.equal(otherClient.json().error, 'invalid_grant');
    const second = (await refresh(first.refresh_token)).json();
    assert.ok(second.refresh_token);
    // Within the reuse window a retry of `first` would still be answered (refresh-reuse-window
    // tests); once its successor has been used, presenting it is reuse.
    const third = (await refresh(second.refresh_token)).json();
    assert.ok(third.refresh_token);
    const reuse = await refresh(first.refresh_token);
    assert.equal(reuse.json().error, 'invalid_grant');
    const afterReuse = await refresh(third.refresh_token);
    assert.equal(afterReuse.json().error, 'invalid_grant');
    // The access tokens of the exchange and of the rotations went down with the family.
    const jti = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;
    const revoked = new Set((await t.gh.storage.listRevokedAccessTokens()).map((r) => r.jti));
    for (const issued of [first, second, third]) assert.ok(revoked.has(jti(issued.access_token)));
  });

  test('pages: CSRF token required, framing and referrer headers present', async () => {
    const b = new Browser(t.http);
    const login = await b.follow('GET', authorizeUrl(app.clientId));
    const csp = login.res.headers['content-security-policy'] as string;
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /form-action 'self' https:\/\/client\.example/);
    assert.equal(login.res.headers['x-frame-options'], 'DENY');
    assert.equal(login.res.headers['referrer-policy'], 'no-referrer');
    assert.match(String(b.cookies.size), /1/);
    const noCsrf = await b.request('POST', '/login', {
      flow: field(login.res.body, 'flow'),
      email: 'ada@acme.test',
      password: PASSWORD,
    });
    assert.equal(noCsrf.statusCode, 403);
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    const forged = await b.request('POST', '/authorize/consent', {
      flow: field(consent.res.body, 'flow'),
      decision: 'grant',
      csrf_token: 'forged',
    });
    assert.equal(forged.statusCode, 403);
    const denied = await decide(b, consent.res.body, 'deny');
    assert.equal(new URL(denied.location as string).searchParams.get('error'), 'access_denied');
  });

  test('bad credentials get one generic message', async () => {
    const b = new Browser(t.http);
    const login = await b.follow('GET', authorizeUrl(app.clientId));
    const wrong = await signIn(b, login.res.body, 'ada@acme.test', 'wrong password!!');
    const unknown = await signIn(b, login.res.body, 'nobody@acme.test', PASSWORD);
    assert.match(wrong.res.body, /The email or password is incorrect/);
    assert.match(unknown.res.body, /The email or password is incorrect/);
  });
});
