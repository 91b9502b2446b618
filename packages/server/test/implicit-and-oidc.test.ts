import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Browser, decide, signIn } from './browser.ts';
import { FORM, type TestServer, testServer } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://client.example/cb';

describe('implicit (legacy) and OpenID Connect', () => {
  let t: TestServer;
  before(async () => {
    t = await testServer();
    await t.gh.companies.createUser(
      { email: 'ada@acme.test', name: 'Ada', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  async function authorize(query: string) {
    const b = new Browser(t.http);
    const login = await b.follow('GET', `/oauth2/authorize?${query}`);
    const consent = await signIn(b, login.res.body, 'ada@acme.test', PASSWORD);
    return decide(b, consent.res.body, 'grant');
  }

  /** A partner app with the authorization-code grant and REDIRECT. */
  const codeApp = () =>
    t.createApp({ type: 'partner', grantTypes: ['authorization_code'], redirectUris: [REDIRECT] });

  /** Redeems the code in `location` at the token endpoint, with the app's secret in the body. */
  function redeem(
    location: string,
    app: { clientId: string; clientSecret: string },
    form: Record<string, string> = {},
  ) {
    const code = new URL(location).searchParams.get('code') as string;
    return t.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: FORM,
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        ...form,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }).toString(),
    });
  }

  test('implicit is off by default and opt-in per app; metadata follows', async () => {
    const meta = async () => (await t.http.inject('/.well-known/oauth-authorization-server')).json();
    assert.deepEqual((await meta()).response_types_supported, ['code']);
    assert.deepEqual((await meta()).code_challenge_methods_supported, ['S256']);
    assert.equal((await meta()).authorization_response_iss_parameter_supported, true);
    const codeOnly = await codeApp();
    const refused = await t.http.inject(
      `/oauth2/authorize?response_type=token&client_id=${codeOnly.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    );
    // In the fragment, where an implicit client reads it (RFC 6749 4.2.2.1).
    assert.equal(
      new URLSearchParams(new URL(refused.headers.location as string).hash.slice(1)).get('error'),
      'unauthorized_client',
    );

    const legacy = await t.createApp({ type: 'partner', grantTypes: ['implicit'], redirectUris: [REDIRECT] });
    await t.gh.refreshImplicitInUse();
    assert.deepEqual((await meta()).response_types_supported, ['code', 'token']);
    const done = await authorize(
      `response_type=token&client_id=${legacy.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read&state=st`,
    );
    const url = new URL(done.location as string);
    assert.equal(url.search, '');
    const fragment = new URLSearchParams(url.hash.slice(1));
    assert.ok(fragment.get('access_token'));
    assert.equal(fragment.get('token_type'), 'Bearer');
    assert.equal(fragment.get('state'), 'st');
    assert.equal(fragment.get('refresh_token'), null);
  });

  test('openid: ID token with the nonce, /userinfo, discovery document', async () => {
    const app = await codeApp();
    const done = await authorize(
      `response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=openid%20email%20profile%20users.read&nonce=n-42`,
    );
    const res = await redeem(done.location as string, app, { redirect_uri: REDIRECT });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.refresh_token, undefined);
    const jwks = createLocalJWKSet((await t.http.inject('/.well-known/jwks.json')).json());
    const { payload } = await jwtVerify(body.id_token, jwks, {
      issuer: 'http://gatehouse.test',
      audience: app.clientId,
    });
    assert.equal(payload.nonce, 'n-42');
    assert.equal(payload.email, 'ada@acme.test');
    assert.equal(payload.sub, decodeJwt(body.access_token).sub);

    const info = await t.http.inject({
      url: '/userinfo',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(info.statusCode, 200, info.body);
    assert.deepEqual(info.json(), {
      sub: payload.sub,
      name: 'Ada',
      email: 'ada@acme.test',
      email_verified: false,
    });
    // Once the address is verified (here the operator vouches for it), both say so.
    await t.gh.userAdmin.update(payload.sub as string, { emailVerified: true }, 'operator:test');
    const verified = await t.http.inject({
      url: '/userinfo',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(verified.json().email_verified, true);
    // A changed address is unverified again.
    await t.gh.userAdmin.update(payload.sub as string, { email: 'ada.new@acme.test' }, 'operator:test');
    const changed = await t.http.inject({
      url: '/userinfo',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    assert.deepEqual([changed.json().email, changed.json().email_verified], ['ada.new@acme.test', false]);
    await t.gh.userAdmin.update(payload.sub as string, { email: 'ada@acme.test' }, 'operator:test');
    const anonymous = await t.http.inject('/userinfo');
    assert.equal(anonymous.statusCode, 401);

    const discovery = (await t.http.inject('/.well-known/openid-configuration')).json();
    assert.equal(discovery.userinfo_endpoint, 'http://gatehouse.test/userinfo');
    assert.equal(discovery.authorization_endpoint, 'http://gatehouse.test/oauth2/authorize');
  });

  test('without openid no ID token is issued', async () => {
    const app = await codeApp();
    const done = await authorize(`response_type=code&client_id=${app.clientId}&scope=users.read&nonce=x`);
    const res = await redeem(done.location as string, app);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().id_token, undefined);
  });
});
