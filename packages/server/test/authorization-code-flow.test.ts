import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { Browser, decide, signIn } from './browser.ts';
import { FORM, type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://client.example/callback';

describe('PERSCOM guide: authorization code, code exchange, refresh with scope', () => {
  let t: TestServer;
  let app: { clientId: string; clientSecret: string };

  before(async () => {
    t = await testServer();
    app = await t.createApp({
      name: 'Timekeeper',
      type: 'partner',
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['view:user', 'update:user'],
      redirectUris: [REDIRECT],
    });
    await t.gh.companies.createUser(
      { email: 'ada@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  test('the three requests work as written', async () => {
    const b = new Browser(t.http);
    const authorizeUrl = `/oauth/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=view:user&state=xyz&nonce=n-0S6`;
    const login = await b.follow('GET', authorizeUrl);
    assert.equal(login.res.statusCode, 200);
    assert.match(login.res.body, /Sign in/);
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    assert.match(consent.res.body, /Timekeeper/);
    assert.match(consent.res.body, /View user profiles/);
    const done = await decide(b, consent.res.body, 'grant');
    assert.ok(done.location?.startsWith(`${REDIRECT}?`));
    const back = new URL(done.location as string);
    assert.equal(back.searchParams.get('state'), 'xyz');
    assert.equal(back.searchParams.get('iss'), 'http://gatehouse.test');
    const code = back.searchParams.get('code') as string;

    const token = await t.http.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: FORM,
      payload: `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(REDIRECT)}&client_id=${app.clientId}&client_secret=${app.clientSecret}`,
    });
    assert.equal(token.statusCode, 200, token.body);
    const body = token.json();
    assert.equal(body.scope, 'view:user');
    assert.ok(body.refresh_token.startsWith('gthr_'));
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.company_id, t.companyId);
    assert.equal(typeof claims.gid, 'string');

    const refreshed = await t.http.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: FORM,
      payload: `grant_type=refresh_token&refresh_token=${body.refresh_token}&client_id=${app.clientId}&client_secret=${app.clientSecret}&scope=view:user`,
    });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    assert.notEqual(refreshed.json().refresh_token, body.refresh_token);
    assert.equal(refreshed.json().scope, 'view:user');
  });
});
