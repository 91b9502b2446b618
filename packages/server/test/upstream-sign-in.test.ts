import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { parseUpstreams } from '../src/config/sign-in.ts';
import { Browser } from './browser.ts';
import { type DialectServer, dialectServer, errorLines } from './dialect-server.ts';
import { type PausableProxy, startPausableProxy } from './fixtures/pausable-proxy.ts';
import { freePort, startUpstream, type Upstream, UpstreamBrowser } from './fixtures/upstream-oidc.ts';
import { FORM, type TestServer, testServer } from './helpers.ts';
import { forDialects } from './pg.ts';

const REDIRECT = 'https://partner.example/callback';
const CALLBACK = (id: string) => `http://gatehouse.test/login/upstream/${id}/callback`;
const PASSWORD = 'correct horse battery staple';

/**
 * Upstream OpenID Connect sign-in against node-oidc-provider on a local port: Gatehouse runs
 * the code flow with PKCE, state and nonce through openid-client, links the person by
 * (issuer, sub) or by a verified e-mail, and the authorization flow goes on to consent and a
 * code. Every way it can go wrong ends on a page, never a 500.
 */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`upstream OpenID Connect sign-in (${dialect})`, { skip: skip || false }, () => {
    let upstream: Upstream;
    let late: Upstream;
    let t: DialectServer;
    let app: { clientId: string; clientSecret: string };
    let alice: { id: string };

    before(async () => {
      upstream = await startUpstream([CALLBACK('corp'), CALLBACK('plain')]);
      late = await startUpstream([CALLBACK('late')]);
      const upstreams = parseUpstreams(
        JSON.stringify([
          upstream.config({ claims: { companies: 'companies' }, scopes: 'openid email profile companies' }),
          upstream.config({ id: 'plain', name: 'Plain SSO', provision: false }),
          {
            ...upstream.config({ id: 'down', name: 'Down SSO' }),
            issuer: `http://127.0.0.1:${await freePort()}`,
          },
          late.config({ id: 'late', name: 'Late SSO' }),
        ]),
      );
      t = await dialectServer(dialect, {
        signIn: { localPasswords: true, upstreams, upstreamTimeoutMs: 2000 },
      });
      app = await t.createApp({
        name: 'Shiftly',
        type: 'partner',
        grantTypes: ['authorization_code'],
        redirectUris: [REDIRECT],
      });
      alice = await t.gh.companies.createUser(
        { email: 'alice@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
        'test',
      );
    });
    after(async () => {
      await t.close();
      await upstream.close();
      await late.close();
    });

    /** A partner's authorization link, up to Gatehouse's login page. */
    async function loginPage(b: Browser, extra = '') {
      const url = `/oauth2/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read%20openid&state=st-1&nonce=n-1${extra}`;
      const { res } = await b.follow('GET', url);
      assert.equal(res.statusCode, 200);
      return res.body;
    }

    /** "Sign in with NAME" on the page: the link, followed to the upstream's URL. */
    async function upstreamUrl(b: Browser, page: string, name = 'Corp SSO') {
      const href = new RegExp(`href="([^"]+)">Sign in with ${name}<`).exec(page)?.[1];
      assert.ok(href, `no "Sign in with ${name}" on the page`);
      const res = await b.request('GET', href.replaceAll('&amp;', '&'));
      return res;
    }

    /** The whole way: Gatehouse → upstream (as `login`) → back; returns Gatehouse's answer. */
    async function viaUpstream(b: Browser, login: string, opts: { name?: string; extra?: string } = {}) {
      const started = await upstreamUrl(b, await loginPage(b, opts.extra), opts.name);
      assert.equal(started.statusCode, 303, started.body);
      const back = await new UpstreamBrowser().signIn(String(started.headers.location), login);
      return b.follow('GET', back.pathname + back.search);
    }

    async function code(b: Browser, consentPage: string) {
      const csrf = /name="csrf_token" value="([^"]*)"/.exec(consentPage)?.[1] ?? '';
      const flow = /name="flow" value="([^"]*)"/.exec(consentPage)?.[1] ?? '';
      const done = await b.follow('POST', '/authorize/consent', {
        csrf_token: csrf,
        flow,
        decision: 'grant',
      });
      const back = new URL(String(done.location));
      const token = await t.http.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: FORM,
        payload: new URLSearchParams({
          grant_type: 'authorization_code',
          code: back.searchParams.get('code') ?? '',
          redirect_uri: REDIRECT,
          client_id: app.clientId,
          client_secret: app.clientSecret,
        }).toString(),
      });
      assert.equal(token.statusCode, 200, token.body);
      return decodeJwt(token.json().id_token);
    }

    test('the login page offers each upstream and the password form', async () => {
      const page = await loginPage(new Browser(t.http));
      for (const name of ['Corp SSO', 'Plain SSO', 'Down SSO', 'Late SSO'])
        assert.match(page, new RegExp(`Sign in with ${name}`));
      assert.match(page, /name="password"/);
    });

    test('a new person is provisioned, gets the memberships of the companies claim, and gets a code', async () => {
      upstream.accounts.set('carol-1', {
        email: 'carol@corp.test',
        email_verified: true,
        name: 'Carol Upstream',
        companies: [{ id: t.companyId, role: 'admin' }, 'no-such-company'],
      });
      const b = new Browser(t.http);
      const { res } = await viaUpstream(b, 'carol-1');
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /Shiftly/);
      const carol = await t.gh.users.find({ email: 'carol@corp.test' });
      assert.equal(carol.name, 'Carol Upstream');
      assert.equal(carol.passwordHash, null);
      // The upstream vouched for the address: Gatehouse's own id_tokens will say so too.
      assert.notEqual(carol.emailVerifiedAt, null);
      assert.deepEqual(
        (await t.gh.users.companies(carol.id)).map((m) => [m.company.id, m.role]),
        [[t.companyId, 'admin']],
      );
      const idToken = await code(b, res.body);
      assert.equal(idToken.sub, carol.id);

      // The claim is authoritative: the next sign-in without the company removes the membership.
      upstream.accounts.set('carol-1', { ...upstream.accounts.get('carol-1'), companies: [] });
      const again = await viaUpstream(new Browser(t.http), 'carol-1');
      assert.equal(again.location?.startsWith(`${REDIRECT}?error=access_denied`), true, again.location);
      assert.deepEqual(await t.gh.users.companies(carol.id), []);
    });

    test('the companies claim names companies by their external id (the operator API sets it)', async () => {
      const west = await t.gh.companies.createCompany(
        { name: 'West', externalId: `crm-west-${dialect}` },
        'test',
      );
      upstream.accounts.set('gina-1', {
        email: 'gina@corp.test',
        email_verified: true,
        companies: [{ id: `crm-west-${dialect}`, role: 'admin' }, t.companyId],
      });
      const { res } = await viaUpstream(new Browser(t.http), 'gina-1');
      assert.equal(res.statusCode, 200, res.body);
      const gina = await t.gh.users.find({ email: 'gina@corp.test' });
      assert.deepEqual(
        (await t.gh.users.companies(gina.id)).map((m) => [m.company.id, m.role]).sort(),
        [
          [t.companyId, 'member'],
          [west.id, 'admin'],
        ].sort(),
      );
    });

    test('a disabled user is refused through the upstream too, and signed in again once enabled', async () => {
      upstream.accounts.set('hank-1', {
        email: 'hank@corp.test',
        email_verified: true,
        companies: [{ id: t.companyId, role: 'admin' }],
      });
      assert.equal((await viaUpstream(new Browser(t.http), 'hank-1')).res.statusCode, 200);
      const hank = await t.gh.users.find({ email: 'hank@corp.test' });
      await t.gh.userAdmin.setDisabled(hank.id, true, 'test');
      const b = new Browser(t.http);
      const { res } = await viaUpstream(b, 'hank-1');
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /This account is disabled/);
      assert.match((await b.follow('GET', '/login')).res.body, /name="password"/, 'nobody is signed in');
      await t.gh.userAdmin.setDisabled(hank.id, false, 'test');
      assert.equal((await viaUpstream(new Browser(t.http), 'hank-1')).res.statusCode, 200);
    });

    test('an existing user is linked by a verified e-mail, and then by (issuer, sub)', async () => {
      upstream.accounts.set('alice-1', { email: 'ALICE@acme.test', email_verified: true });
      const b = new Browser(t.http);
      const { res } = await viaUpstream(b, 'alice-1');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await code(b, res.body)).sub, alice.id);
      // Linked now: a new address at the upstream still finds the same user.
      upstream.accounts.set('alice-1', { email: 'alice.new@corp.test', email_verified: false });
      const c = new Browser(t.http);
      const next = await viaUpstream(c, 'alice-1');
      assert.equal((await code(c, next.res.body)).sub, alice.id);
    });

    test('the console sign-in (return_to) goes back to the console after the upstream', async () => {
      upstream.accounts.set('alice-1', { email: 'alice@acme.test', email_verified: true });
      const b = new Browser(t.http);
      const { res } = await b.follow('GET', '/login?return_to=/console');
      const href = /href="([^"]+)">Sign in with Corp SSO</.exec(res.body)?.[1] ?? '';
      assert.equal(href, '/login/upstream/corp?return_to=%2Fconsole');
      const started = await b.request('GET', href);
      const back = await new UpstreamBrowser().signIn(String(started.headers.location), 'alice-1');
      const done = await b.request('GET', back.pathname + back.search);
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/console');
      const evil = await b.request('GET', '/login/upstream/corp?return_to=https://evil.example/');
      assert.equal(evil.statusCode, 303, 'an unsafe return_to is dropped, not followed');
    });

    test('an unverified e-mail of an existing user is refused: no account takeover', async () => {
      await t.gh.companies.createUser(
        { email: 'bob@acme.test', password: PASSWORD, companyId: t.companyId },
        'test',
      );
      upstream.accounts.set('mallory', { email: 'bob@acme.test', email_verified: false });
      const b = new Browser(t.http);
      const { res } = await viaUpstream(b, 'mallory');
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /has not confirmed that the address is yours/);
      assert.match(res.body, /email_unverified/);
      assert.match((await b.follow('GET', '/login')).res.body, /name="password"/, 'nobody is signed in');
    });

    test('another upstream account for an already linked user is refused (external id collision)', async () => {
      upstream.accounts.set('alice-2', { email: 'alice@acme.test', email_verified: true });
      const { res } = await viaUpstream(new Browser(t.http), 'alice-2');
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /already_linked/);
    });

    test('an upstream that may not provision refuses a person with no account here', async () => {
      upstream.accounts.set('dave', { email: 'dave@corp.test', email_verified: true });
      const { res } = await viaUpstream(new Browser(t.http), 'dave', { name: 'Plain SSO' });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /no_account/);
    });

    test('a wrong state, a replayed callback, and another browser are refused', async () => {
      upstream.accounts.set('erin', { email: 'erin@corp.test', email_verified: true });
      const b = new Browser(t.http);
      const started = await upstreamUrl(b, await loginPage(b));
      const back = await new UpstreamBrowser().signIn(String(started.headers.location), 'erin');
      const callback = back.pathname + back.search;
      const other = await new Browser(t.http).follow('GET', callback);
      assert.equal(other.res.statusCode, 400);
      assert.match(other.res.body, /invalid_state/);
      const first = await b.follow('GET', callback);
      // The browser that began it signs in (erin may grant for no company: back to the app).
      assert.ok(first.location?.startsWith(`${REDIRECT}?error=access_denied`), first.location);
      const replay = await b.request('GET', callback);
      assert.equal(replay.statusCode, 400);
      assert.match(replay.body, /invalid_state/);
      const forged = await b.request('GET', `/login/upstream/corp/callback?code=x&state=forged`);
      assert.equal(forged.statusCode, 400);
    });

    test("the upstream's error answer (access_denied) is a page", async () => {
      const b = new Browser(t.http);
      const started = await upstreamUrl(b, await loginPage(b));
      const state = new URL(String(started.headers.location)).searchParams.get('state') ?? '';
      const res = await b.request(
        'GET',
        `/login/upstream/corp/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(upstream.issuer)}`,
      );
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /Corp SSO did not sign you in/);
      assert.match(res.body, /access_denied/);
    });

    for (const [what, tamper] of [
      ['a wrong nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'someone-elses-nonce' })],
      ['a wrong audience', (c: Record<string, unknown>) => ({ ...c, aud: 'another-client' })],
    ] as const) {
      test(`an id_token with ${what} is refused`, async () => {
        upstream.accounts.set('frank', { email: 'frank@corp.test', email_verified: true });
        upstream.tamper = tamper;
        try {
          const b = new Browser(t.http);
          const { res } = await viaUpstream(b, 'frank');
          assert.equal(res.statusCode, 400);
          assert.match(res.body, /invalid_upstream_response/);
        } finally {
          upstream.tamper = undefined;
        }
        await assert.rejects(t.gh.users.find({ email: 'frank@corp.test' }), 'nobody was provisioned');
      });
    }

    test('an upstream that is down is a 503 page with Retry-After, before and after the redirect', async () => {
      const b = new Browser(t.http);
      const down = await upstreamUrl(b, await loginPage(b), 'Down SSO');
      assert.equal(down.statusCode, 503);
      assert.equal(down.headers['retry-after'], '30');
      assert.match(down.body, /Down SSO is not answering/);

      late.accounts.set('gina', { email: 'gina@corp.test', email_verified: true });
      const started = await upstreamUrl(b, await loginPage(b), 'Late SSO');
      const back = await new UpstreamBrowser().signIn(String(started.headers.location), 'gina');
      await late.close();
      const res = await b.request('GET', back.pathname + back.search);
      assert.equal(res.statusCode, 503, res.body);
      assert.match(res.body, /upstream_unavailable/);
    });

    test('prompt=login and max_age go upstream, and auth_time is checked', async () => {
      upstream.accounts.set('alice-1', { email: 'alice@acme.test', email_verified: true });
      const b = new Browser(t.http);
      const started = await upstreamUrl(b, await loginPage(b, '&prompt=login&max_age=600'));
      const sent = new URL(String(started.headers.location)).searchParams;
      assert.equal(sent.get('prompt'), 'login');
      assert.equal(sent.get('max_age'), '600');
      assert.equal(sent.get('code_challenge_method'), 'S256');
      assert.ok(sent.get('nonce') && sent.get('state'));
      const back = await new UpstreamBrowser().signIn(String(started.headers.location), 'alice-1');
      const { res } = await b.follow('GET', back.pathname + back.search);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await code(b, res.body)).sub, alice.id);
      // Signed in now: a new request goes straight on, unless it says prompt=login.
      assert.match(await loginPage(b), /Shiftly/);
      assert.doesNotMatch(await loginPage(b), /Sign in with/);
      assert.match(await loginPage(b, '&prompt=login'), /Sign in with Corp SSO/);
    });

    test('nothing of the above was logged as an error (no 500 on any path)', () => {
      assert.deepEqual(errorLines(t), []);
    });
  });
});

describe('an upstream that stops answering (a network partition)', () => {
  let upstream: Upstream;
  let proxy: PausableProxy;
  let t: TestServer;

  before(async () => {
    const port = await freePort();
    proxy = await startPausableProxy({ host: '127.0.0.1', port });
    upstream = await startUpstream([CALLBACK('slow')], { port, publicPort: proxy.port });
    const upstreams = parseUpstreams(
      JSON.stringify([
        upstream.config({ id: 'slow', name: 'Slow SSO' }),
        upstream.config({ id: 'unseen', name: 'Unseen SSO' }),
      ]),
    );
    t = await testServer({
      config: { signIn: { localPasswords: true, upstreams, upstreamTimeoutMs: 1000 } },
    });
  });
  after(async () => {
    proxy.resume();
    await t.close();
    await proxy.close();
    await upstream.close();
  });

  test('discovery or the token request held without an answer: a 503 page within the timeout', async () => {
    upstream.accounts.set('hana', { email: 'hana@corp.test', email_verified: true });
    const b = new Browser(t.http);
    const login = await b.follow('GET', '/login');
    const href = (name: string) =>
      new RegExp(`href="([^"]+)">Sign in with ${name}<`).exec(login.res.body)?.[1] ?? '';
    const started = await b.request('GET', href('Slow SSO'));
    const back = await new UpstreamBrowser().signIn(String(started.headers.location), 'hana');
    proxy.pause();
    for (const path of [back.pathname + back.search, href('Unseen SSO')]) {
      const at = Date.now();
      const res = await b.request('GET', path);
      const waited = Date.now() - at;
      assert.equal(res.statusCode, 503, path);
      assert.equal(res.headers['retry-after'], '30');
      assert.match(res.body, /upstream_unavailable/);
      assert.ok(waited >= 900 && waited < 5000, `answered after ${waited} ms`);
    }
  });
});

describe('local passwords off', () => {
  let upstream: Upstream;
  let t: TestServer;

  before(async () => {
    upstream = await startUpstream([CALLBACK('corp')]);
    const upstreams = parseUpstreams(JSON.stringify([upstream.config()]));
    t = await testServer({
      config: { signIn: { localPasswords: false, upstreams, upstreamTimeoutMs: 2000 } },
    });
  });
  after(async () => {
    await t.close();
    await upstream.close();
  });

  test('the login page shows only the upstream, and POST /login is refused', async () => {
    const b = new Browser(t.http);
    const { res } = await b.follow('GET', '/login');
    assert.match(res.body, /Sign in with Corp SSO/);
    assert.doesNotMatch(res.body, /name="password"/);
    const csrf = /name="csrf_token" value="([^"]*)"/.exec(res.body)?.[1];
    assert.equal(csrf, undefined, 'no form at all');
    const posted = await b.request('POST', '/login', {
      csrf_token: 'x',
      email: 'a@b.test',
      password: PASSWORD,
    });
    assert.equal(posted.statusCode, 403);
  });
});
