import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { freePort } from '../../../test/helpers/live-gatehouse.ts';
import { DEFAULT_PLAN_RULES } from '../src/companies/access-policy.ts';
import { Browser, decide, field, signIn } from './browser.ts';
import { type TestServer, testServer } from './helpers.ts';

// OpenID Connect Core as a relying party sees it: openid-client v6 builds the requests and checks
// every answer (iss on the authorization response, the id_token's nonce, auth_time against
// max_age, userinfo's sub), against a Gatehouse listening on 127.0.0.1. The browser is the
// in-process one (test/browser.ts); the Chromium test of the same pages is browser/prompt.test.ts.

const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'https://rp.example/cb';

/** The base64url left half of the SHA-256 of the token (at_hash for ES256), by WebCrypto. */
async function halfSha256(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  return Buffer.from(digest.subarray(0, 16)).toString('base64url');
}

describe('OpenID Connect Core, driven by openid-client', () => {
  let t: TestServer;
  let issuer: string;
  let second: string;
  let freeCo: string;
  const discover = (app: { clientId: string; clientSecret: string }) =>
    client.discovery(new URL(issuer), app.clientId, app.clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
  const rp = (extra: Record<string, unknown> = {}) =>
    t.createApp({
      name: 'Relying Party',
      type: 'partner',
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['users.read'],
      redirectUris: [REDIRECT],
      ...extra,
    });

  /** The authorization request, opened in `b`; its last page, or where it left Gatehouse. */
  async function open(b: Browser, config: client.Configuration, params: Record<string, string>) {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid email users.read',
      state: 'st',
      ...params,
    });
    return b.follow('GET', `${url.pathname}${url.search}`);
  }

  /** What openid-client makes of an authorization response that carries an error. */
  async function refusal(location: string | undefined, config: client.Configuration) {
    assert.ok(location, 'a redirect back to the client');
    try {
      await client.authorizationCodeGrant(config, new URL(location), { expectedState: 'st' });
    } catch (err) {
      assert.ok(err instanceof client.AuthorizationResponseError, String(err));
      return { error: err.error, description: err.error_description };
    }
    assert.fail('the authorization response was not an error');
  }

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await testServer({
      config: { issuer, planRules: { ...DEFAULT_PLAN_RULES, grantAccess: ['pro', 'enterprise'] } },
    });
    await t.http.listen({ host: '127.0.0.1', port });
    const co = t.gh.companies;
    second = (await co.createCompany({ name: 'Second Co' }, 'test')).id;
    freeCo = (await co.createCompany({ name: 'Free Co', plan: 'free' }, 'test')).id;
    await co.createUser(
      { email: 'ada@oidc.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
    await co.createUser(
      { email: 'bea@oidc.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
      'test',
    );
    const multi = await co.createUser({ email: 'multi@oidc.test', password: PASSWORD }, 'test');
    await co.addMembership(multi.id, t.companyId, 'admin', 'test');
    await co.addMembership(multi.id, second, 'admin', 'test');
    await co.createUser(
      { email: 'free@oidc.test', password: PASSWORD, companyId: freeCo, role: 'admin' },
      'test',
    );
  });
  after(() => t.close());

  test('discovery says what is supported: prompt values, no claims parameter, no request objects, iss', async () => {
    const meta = (await discover(await rp())).serverMetadata();
    assert.deepEqual(meta.prompt_values_supported, ['none', 'login', 'consent', 'select_account']);
    assert.equal(meta.claims_parameter_supported, false);
    assert.equal(meta.request_parameter_supported, false);
    assert.equal(meta.request_uri_parameter_supported, false);
    assert.equal(meta.authorization_response_iss_parameter_supported, true);
    assert.equal(meta.userinfo_endpoint, `${issuer}/userinfo`);
    assert.equal(meta.acr_values_supported, undefined, 'no authentication context classes');
  });

  test('code flow: iss checked, nonce and max_age checked against the id_token, at_hash, userinfo', async () => {
    const app = await rp();
    const config = await discover(app);
    const b = new Browser(t.http);
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const before = Math.floor(Date.now() / 1000);
    const login = await open(b, config, {
      nonce,
      max_age: '300',
      login_hint: 'ada@oidc.test',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    assert.match(
      login.res.body,
      /name="email" type="email"[^>]* value="ada@oidc.test"/,
      'login_hint pre-fills',
    );
    const consent = await signIn(b, login.res.body, 'ada@oidc.test', PASSWORD);
    const done = await decide(b, consent.res.body, 'grant');
    const back = new URL(done.location as string);
    assert.equal(back.searchParams.get('iss'), issuer);
    const tokens = await client.authorizationCodeGrant(config, back, {
      pkceCodeVerifier: verifier,
      expectedState: 'st',
      expectedNonce: nonce,
      maxAge: 300,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    assert.ok(claims);
    assert.ok((claims.auth_time as number) >= before);
    assert.equal(claims.at_hash, await halfSha256(tokens.access_token));
    assert.equal(claims.email, 'ada@oidc.test');

    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.sub, claims.sub);
    assert.equal(info.email, 'ada@oidc.test');

    // A response whose iss is not ours is refused by the client (RFC 9207 mix-up defence).
    const forged = new URL(back);
    forged.searchParams.set('iss', 'https://evil.example');
    await assert.rejects(
      client.authorizationCodeGrant(config, forged, { pkceCodeVerifier: verifier, expectedState: 'st' }),
      (err: Error) => /unexpected "iss"/.test(String((err.cause as Error)?.message)),
    );
  });

  test('userinfo by POST: the token in the form or the header, WWW-Authenticate on every error', async () => {
    const app = await rp({ skipConsent: true });
    const config = await discover(app);
    const b = new Browser(t.http);
    const login = await open(b, config, {});
    const consent = await signIn(b, login.res.body, 'ada@oidc.test', PASSWORD);
    const done = await decide(b, consent.res.body, 'grant');
    const tokens = await client.authorizationCodeGrant(config, new URL(done.location as string), {
      expectedState: 'st',
    });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const posted = await fetch(`${issuer}/userinfo`, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    assert.equal(posted.status, 200);
    assert.equal(((await posted.json()) as { email: string }).email, 'ada@oidc.test');
    const bearerPost = await fetch(`${issuer}/userinfo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(bearerPost.status, 200);

    const none = await fetch(`${issuer}/userinfo`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
    const bad = await fetch(`${issuer}/userinfo`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(bad.status, 401);
    assert.match(
      bad.headers.get('www-authenticate') ?? '',
      /^Bearer realm="gatehouse", error="invalid_token"/,
    );
    const both = await fetch(`${issuer}/userinfo`, {
      method: 'POST',
      headers: { ...form, authorization: `Bearer ${tokens.access_token}` },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    assert.equal(both.status, 400);
    assert.match(both.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
    await assert.rejects(client.fetchUserInfo(config, 'nope', client.skipSubjectCheck), (err: unknown) => {
      assert.ok(err instanceof client.WWWAuthenticateChallengeError, String(err));
      assert.equal(err.cause[0]?.parameters.error, 'invalid_token');
      return true;
    });
    // A token without openid: insufficient_scope, naming the scope.
    const plain = await client.refreshTokenGrant(config, tokens.refresh_token as string, {
      scope: 'users.read',
    });
    const scoped = await fetch(`${issuer}/userinfo`, {
      headers: { authorization: `Bearer ${plain.access_token}` },
    });
    assert.equal(scoped.status, 403);
    assert.match(scoped.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="openid"/);
  });

  test('prompt=login: a signed-in person signs in again; max_age=0 too; auth_time is the new sign-in', async () => {
    const config = await discover(await rp({ skipConsent: true }));
    const b = new Browser(t.http);
    const first = await open(b, config, {});
    await decide(b, (await signIn(b, first.res.body, 'ada@oidc.test', PASSWORD)).res.body, 'grant');
    // Signed in and consented: without a prompt, straight back with a code.
    assert.ok((await open(b, config, {})).location?.startsWith(REDIRECT));
    const cases: Record<string, string>[] = [
      { prompt: 'login' },
      { prompt: 'login consent' },
      { max_age: '0' },
    ];
    for (const params of cases) {
      await new Promise((r) => setTimeout(r, 1100));
      const started = Math.floor(Date.now() / 1000);
      const nonce = client.randomNonce();
      const again = await open(b, config, { ...params, nonce });
      assert.equal(again.location, undefined, JSON.stringify(params));
      assert.match(again.res.body, /name="password"/, 'the sign-in form, though signed in');
      let step = await signIn(b, again.res.body, 'ada@oidc.test', PASSWORD);
      if (params.prompt === 'login consent') {
        assert.match(step.res.body, /name="decision"/, 'consent asked as well');
        step = await decide(b, step.res.body, 'grant');
      }
      const tokens = await client.authorizationCodeGrant(config, new URL(step.location as string), {
        expectedState: 'st',
        expectedNonce: nonce,
        maxAge: 0,
      });
      assert.ok((tokens.claims()?.auth_time as number) >= started, 'auth_time of the new sign-in');
    }
  });

  test('prompt=none: a code when nothing must be shown; login_required, consent_required otherwise', async () => {
    const skipping = await discover(await rp({ skipConsent: true }));
    const asking = await discover(await rp());
    const anonymous = new Browser(t.http);
    assert.deepEqual(
      await refusal((await open(anonymous, skipping, { prompt: 'none' })).location, skipping),
      {
        error: 'login_required',
        description: 'the user is not signed in',
      },
    );
    const b = new Browser(t.http);
    const first = await open(b, skipping, {});
    await decide(b, (await signIn(b, first.res.body, 'ada@oidc.test', PASSWORD)).res.body, 'grant');
    const nonce = client.randomNonce();
    const silent = await open(b, skipping, { prompt: 'none', nonce, max_age: '3600' });
    const tokens = await client.authorizationCodeGrant(skipping, new URL(silent.location as string), {
      expectedState: 'st',
      expectedNonce: nonce,
      maxAge: 3600,
    });
    assert.equal(tokens.claims()?.email, 'ada@oidc.test');
    assert.equal(
      (await refusal((await open(b, asking, { prompt: 'none' })).location, asking)).error,
      'consent_required',
    );
    await new Promise((r) => setTimeout(r, 1100));
    assert.deepEqual(
      await refusal((await open(b, skipping, { prompt: 'none', max_age: '0' })).location, skipping),
      { error: 'login_required', description: 'the user must sign in again' },
    );
  });

  test('prompt=none, several companies: account_selection_required until one grant settles it', async () => {
    const config = await discover(await rp({ skipConsent: true }));
    const b = new Browser(t.http);
    const login = await open(b, config, {});
    const chooser = await signIn(b, login.res.body, 'multi@oidc.test', PASSWORD);
    assert.match(chooser.res.body, /name="company_id"/);
    assert.deepEqual(await refusal((await open(b, config, { prompt: 'none' })).location, config), {
      error: 'account_selection_required',
      description: 'the user must choose the company to grant access for',
    });
    // Granted for the second company: that grant is the remembered choice.
    const consent = await b.follow('POST', '/authorize/company', {
      csrf_token: field(chooser.res.body, 'csrf_token'),
      flow: field(chooser.res.body, 'flow'),
      company_id: second,
    });
    await decide(b, consent.res.body, 'grant');
    const silent = await open(b, config, { prompt: 'none' });
    const tokens = await client.authorizationCodeGrant(config, new URL(silent.location as string), {
      expectedState: 'st',
    });
    assert.equal(tokens.claims()?.company_id, second);
  });

  test('prompt=none, a page that must be shown (the plan page): interaction_required', async () => {
    const config = await discover(await rp({ skipConsent: true }));
    const b = new Browser(t.http);
    const login = await open(b, config, {});
    const plan = await signIn(b, login.res.body, 'free@oidc.test', PASSWORD);
    assert.equal(plan.res.statusCode, 403);
    assert.equal(
      (await refusal((await open(b, config, { prompt: 'none' })).location, config)).error,
      'interaction_required',
    );
  });

  test('bad prompt combinations, request objects: errors back to the client, iss checked', async () => {
    const config = await discover(await rp());
    const b = new Browser(t.http);
    assert.deepEqual(await refusal((await open(b, config, { prompt: 'none login' })).location, config), {
      error: 'invalid_request',
      description: 'prompt=none cannot be combined with other prompt values',
    });
    assert.equal(
      (await refusal((await open(b, config, { prompt: 'login bogus' })).location, config)).error,
      'invalid_request',
    );
    assert.equal(
      (await refusal((await open(b, config, { max_age: '-1' })).location, config)).error,
      'invalid_request',
    );
    // openid-client sends a request object with client_id alone (RFC 9101): refused before the rest.
    assert.equal(
      (await refusal((await open(b, config, { request: 'eyJhbGciOiJub25lIn0.e30.' })).location, config))
        .error,
      'request_not_supported',
    );
    // response_mode: only the response type's own (query for code); form_post is refused.
    assert.equal(
      (await refusal((await open(b, config, { response_mode: 'form_post' })).location, config)).error,
      'invalid_request',
    );
    assert.match((await open(b, config, { response_mode: 'query' })).res.body, /name="password"/);
    // The claims parameter and acr_values are voluntary and ignored: the flow goes on to sign-in.
    const ignored = await open(b, config, { claims: '{"id_token":{"acr":null}}', acr_values: 'urn:x' });
    assert.match(ignored.res.body, /name="password"/);
  });

  test('prompt=select_account: the chooser with one company, then "use another account"', async () => {
    const config = await discover(await rp({ skipConsent: true }));
    const b = new Browser(t.http);
    const first = await open(b, config, {});
    await decide(b, (await signIn(b, first.res.body, 'ada@oidc.test', PASSWORD)).res.body, 'grant');
    const chooser = await open(b, config, { prompt: 'select_account' });
    assert.equal(chooser.location, undefined);
    assert.match(chooser.res.body, /name="company_id"/);
    assert.match(chooser.res.body, /Signed in as ada@oidc.test/);
    // Use another account: signed out, the same request, the sign-in page; then bea's chooser.
    const login = await b.follow('POST', '/authorize/company', {
      csrf_token: field(chooser.res.body, 'csrf_token'),
      flow: field(chooser.res.body, 'flow'),
      account: 'switch',
    });
    assert.match(login.res.body, /name="password"/);
    const again = await signIn(b, login.res.body, 'bea@oidc.test', PASSWORD);
    assert.match(again.res.body, /Signed in as bea@oidc.test/);
    const consent = await b.follow('POST', '/authorize/company', {
      csrf_token: field(again.res.body, 'csrf_token'),
      flow: field(again.res.body, 'flow'),
      company_id: t.companyId,
    });
    // The grant is the company's, so remembered consent applies to bea too: straight back.
    const location = consent.location;
    const tokens = await client.authorizationCodeGrant(config, new URL(location as string), {
      expectedState: 'st',
    });
    assert.equal(tokens.claims()?.email, 'bea@oidc.test');
  });

  test('company grant redirect: iss in the fragment, checked by oauth4webapi', async () => {
    const app = await t.createApp({
      name: 'Grant App',
      type: 'partner',
      grantTypes: ['client_credentials'],
      grantDelivery: 'company_grant',
      redirectUris: [REDIRECT],
    });
    const b = new Browser(t.http);
    const login = await b.follow(
      'GET',
      `/oauth2/authorize?client_id=${app.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=gs`,
    );
    const consent = await signIn(b, login.res.body, 'ada@oidc.test', PASSWORD);
    const done = await decide(b, consent.res.body, 'grant');
    const fragment = new URLSearchParams(new URL(done.location as string).hash.slice(1));
    assert.equal(fragment.get('iss'), issuer);
    const as = { issuer, authorization_response_iss_parameter_supported: true };
    const params = oauth.validateAuthResponse(as, { client_id: app.clientId }, fragment, 'gs');
    assert.equal(params.get('company_id'), t.companyId);
    fragment.set('iss', 'https://evil.example');
    assert.throws(() => oauth.validateAuthResponse(as, { client_id: app.clientId }, fragment, 'gs'), /iss/);
  });
});
