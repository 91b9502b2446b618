import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { decodeJwt } from 'jose';
import type { SqlStorage } from '../src/storage/sql/storage.ts';
import { Browser, decide } from './browser.ts';
import { type DialectServer, dialectServer, errorLines } from './dialect-server.ts';
import { FORM } from './helpers.ts';
import { forDialects } from './pg.ts';

const REDIRECT = 'https://partner.example/callback';
const LOGIN_URL = 'https://login.acme.test/gatehouse';
type Json = Record<string, unknown>;

/**
 * Login delegation, in-process: the login application's part (the operator API calls) is
 * made here by hand; examples/login-app does it over real HTTP (its own test). Every refusal
 * is a clear JSON error or page, and nobody is signed in by a challenge or verifier that is
 * replayed, expired, or brought by another browser.
 */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`login delegation (${dialect})`, { skip: skip || false }, () => {
    let t: DialectServer;
    let only: DialectServer;
    let operatorKey: string;
    let app: { clientId: string; clientSecret: string };

    before(async () => {
      const delegation = { url: LOGIN_URL, name: 'Acme Login' };
      t = await dialectServer(dialect, {
        signIn: { localPasswords: true, upstreams: [], upstreamTimeoutMs: 2000, delegation },
      });
      operatorKey = (await t.gh.operatorKeys.create({ name: 'login app' }, 'test')).secret;
      app = await t.createApp({
        name: 'Shiftly',
        type: 'partner',
        grantTypes: ['authorization_code'],
        redirectUris: [REDIRECT],
      });
      const named = await api('PATCH', `/companies/${t.companyId}`, { external_id: 'acme' });
      assert.equal(named.statusCode, 200, named.body);
    });
    after(async () => {
      await t.close();
      await only?.close();
    });

    const api = (method: 'GET' | 'PUT' | 'POST' | 'PATCH', url: string, payload?: Json, key = operatorKey) =>
      t.http.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${key}` },
        ...(payload ? { payload } : {}),
      });

    const authorizeUrl = (extra = '') =>
      `/oauth2/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read%20openid&state=st-1&nonce=n-1${extra}`;

    /** A partner's link, the login page's "Sign in with Acme Login", to the login application. */
    async function challenge(b: Browser, extra = ''): Promise<string> {
      const { res } = await b.follow('GET', authorizeUrl(extra));
      assert.equal(res.statusCode, 200, res.body);
      const href = /href="([^"]+)">Sign in with Acme Login</.exec(res.body)?.[1];
      assert.ok(href, 'no "Sign in with Acme Login" on the login page');
      assert.match(res.body, /name="password"/, 'passwords are on too');
      const sent = await b.request('GET', href.replaceAll('&amp;', '&'));
      assert.equal(sent.statusCode, 303, sent.body);
      const to = new URL(String(sent.headers.location));
      assert.equal(`${to.origin}${to.pathname}`, LOGIN_URL);
      const c = to.searchParams.get('login_challenge');
      assert.ok(c && c.length >= 40, 'a long random challenge');
      return c;
    }

    /** A person the login application vouches for: by default an admin of Acme (external id acme). */
    const subject = (externalId: string, extra: Json = {}) => ({
      subject: {
        external_id: externalId,
        email: `${externalId}@acme.test`,
        name: 'Pat',
        companies: [{ external_id: 'acme', role: 'admin' }],
        ...extra,
      },
    });

    /** The path and query of the URL the operator API answered with. */
    function verifierPath(res: LightMyRequestResponse): string {
      assert.equal(res.statusCode, 200, res.body);
      const to = new URL(res.json().redirect_to);
      assert.equal(to.origin, 'http://gatehouse.test');
      assert.equal(to.pathname, '/login/delegated');
      return to.pathname + to.search;
    }

    async function token(location: string) {
      const back = new URL(location);
      assert.equal(back.searchParams.get('iss'), 'http://gatehouse.test');
      const res = await t.http.inject({
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
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    }

    test('partner link → login application → accept → consent → code → token; the user is made just in time', async () => {
      const b = new Browser(t.http);
      const c = await challenge(b, '&login_hint=pat%40acme.test&max_age=600');
      const described = await api('GET', `/login-requests/${c}`);
      assert.equal(described.statusCode, 200, described.body);
      const view = described.json();
      assert.deepEqual(view.client, { client_id: app.clientId, name: 'Shiftly' });
      assert.deepEqual(view.requested_scopes, ['openid', 'users.read']);
      assert.equal(view.login_hint, 'pat@acme.test');
      assert.equal(view.max_age, 600);
      assert.equal(view.prompt, null);
      assert.equal(view.skip, false);
      assert.equal(view.subject, null);

      const accepted = await api(
        'PUT',
        `/login-requests/${c}/accept`,
        subject('pat-1', {
          email_verified: true,
          companies: [
            { external_id: 'acme', role: 'admin' },
            { external_id: 'nowhere', role: 'member' },
          ],
        }),
      );
      const path = verifierPath(accepted);
      assert.deepEqual(accepted.json().unknown_companies, ['nowhere']);
      const user = accepted.json().user;
      assert.equal(user.external_id, 'pat-1');
      assert.equal(user.email_verified, true);
      assert.equal(user.has_password, false);

      const { res } = await b.follow('GET', path);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /Shiftly/);
      assert.match(res.body, /name="decision"/, 'the consent page');
      const done = await decide(b, res.body, 'grant');
      const tokens = await token(String(done.location));
      assert.equal(decodeJwt(tokens.id_token).sub, user.id);
      const memberships = await t.gh.users.memberships(user.id);
      assert.deepEqual(
        memberships.map((m) => [m.companyId, m.role]),
        [[t.companyId, 'admin']],
      );

      // The same person again, renamed and without companies: memberships stay.
      const again = new Browser(t.http);
      const c2 = await challenge(again);
      const second = await api('PUT', `/login-requests/${c2}/accept`, {
        subject: { external_id: 'pat-1', email: 'pat-1@acme.test', name: 'Pat Doe' },
      });
      assert.equal(second.json().user.id, user.id);
      assert.equal(second.json().user.name, 'Pat Doe');
      assert.equal((await t.gh.users.memberships(user.id)).length, 1);
    });

    test('a challenge accepted twice, replayed by the browser, or expired is refused', async () => {
      const b = new Browser(t.http);
      const c = await challenge(b);
      const path = verifierPath(await api('PUT', `/login-requests/${c}/accept`, subject('replay-1')));
      const twice = await api('PUT', `/login-requests/${c}/accept`, subject('replay-1'));
      assert.equal(twice.statusCode, 410, twice.body);
      assert.equal(twice.json().error, 'gone');
      const rejectLate = await api('PUT', `/login-requests/${c}/reject`, {});
      assert.equal(rejectLate.statusCode, 410);
      assert.equal((await api('GET', `/login-requests/${c}`)).statusCode, 410, 'answered');

      const first = await b.follow('GET', path);
      assert.equal(first.res.statusCode, 200, 'the consent page');
      const replay = await b.request('GET', path);
      assert.equal(replay.statusCode, 400);
      assert.match(replay.body, /This sign-in link cannot be used/);
      assert.match(replay.body, /invalid_login_verifier/);
      assert.equal((await api('GET', `/login-requests/${c}`)).statusCode, 404, 'gone once used');

      const late = new Browser(t.http);
      const old = await challenge(late);
      const db = (t.gh.storage as SqlStorage).db;
      await db
        .updateTable('login_requests')
        .set({ expires_at: Date.now() - 1 })
        .execute();
      for (const [method, url, body] of [
        ['GET', `/login-requests/${old}`, undefined],
        ['PUT', `/login-requests/${old}/accept`, subject('late-1')],
        ['PUT', `/login-requests/${old}/reject`, {}],
      ] as const) {
        const res = await api(method, url, body);
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
        assert.equal(res.json().error, 'not_found');
      }
      assert.equal((await t.gh.userAdmin.page({ externalId: 'late-1' })).items.length, 0, 'nobody made');

      const lateVerifier = new Browser(t.http);
      const c3 = await challenge(lateVerifier);
      const p3 = verifierPath(await api('PUT', `/login-requests/${c3}/accept`, subject('late-2')));
      await db
        .updateTable('login_requests')
        .set({ expires_at: Date.now() - 1 })
        .execute();
      const expired = await lateVerifier.request('GET', p3);
      assert.equal(expired.statusCode, 400);
      assert.match(expired.body, /invalid_login_verifier/);
    });

    test("another browser following the accepted request's URL gets a page and no session", async () => {
      const mine = new Browser(t.http);
      const c = await challenge(mine);
      const path = verifierPath(await api('PUT', `/login-requests/${c}/accept`, subject('other-1')));
      const theirs = new Browser(t.http);
      await theirs.follow('GET', authorizeUrl()); // a session and a flow of its own
      const stolen = await theirs.request('GET', path);
      assert.equal(stolen.statusCode, 400);
      assert.match(stolen.body, /started in this browser/);
      const after = await theirs.follow('GET', '/login');
      assert.match(after.res.body, /Sign in with Acme Login/, 'still signed out');
      const { res } = await mine.follow('GET', path);
      assert.equal(res.statusCode, 200, 'the browser that started it goes on');
      assert.match(res.body, /name="decision"/);
    });

    test('a disabled user is refused at accept and when the browser comes back', async () => {
      const made = await api('POST', '/users', {
        email: 'gone@acme.test',
        external_id: 'gone-1',
      });
      assert.equal(made.statusCode, 201, made.body);
      await api('POST', `/users/${made.json().id}/disable`);
      const c = await challenge(new Browser(t.http));
      const refused = await api(
        'PUT',
        `/login-requests/${c}/accept`,
        subject('gone-1', { email: 'gone@acme.test' }),
      );
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().error, 'user_disabled');
      // The same address under another external id is no way around it.
      const other = await api(
        'PUT',
        `/login-requests/${c}/accept`,
        subject('gone-2', { email: 'gone@acme.test' }),
      );
      assert.equal(other.statusCode, 409, other.body);

      const b = new Browser(t.http);
      const c2 = await challenge(b);
      const accepted = await api('PUT', `/login-requests/${c2}/accept`, subject('soon-gone'));
      const path = verifierPath(accepted);
      await api('POST', `/users/${accepted.json().user.id}/disable`);
      const page = await b.request('GET', path);
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /disabled/);
      const login = await b.follow('GET', '/login');
      assert.match(login.res.body, /Sign in with Acme Login/, 'nobody signed in');
    });

    test('an e-mail address of another user is a 409, never a takeover', async () => {
      const bob = await api('POST', '/users', { email: 'bob@acme.test', external_id: 'bob-1' });
      const plain = await api('POST', '/users', { email: 'carol@acme.test' });
      const c = await challenge(new Browser(t.http));
      const collision = await api(
        'PUT',
        `/login-requests/${c}/accept`,
        subject('mallory-1', { email: 'bob@acme.test', email_verified: true }),
      );
      assert.equal(collision.statusCode, 409, collision.body);
      assert.equal(collision.json().error, 'conflict');
      assert.match(collision.json().error_description, /another external id/);
      assert.equal((await api('GET', `/users/${bob.json().id}`)).json().external_id, 'bob-1');

      // Moving bob-1's address onto carol's is refused too.
      const moved = await api(
        'PUT',
        `/login-requests/${c}/accept`,
        subject('bob-1', { email: 'carol@acme.test' }),
      );
      assert.equal(moved.statusCode, 409, moved.body);

      // A user without an external id is linked only when the address is vouched for.
      const unverified = await api(
        'PUT',
        `/login-requests/${c}/accept`,
        subject('carol-1', { email: 'carol@acme.test' }),
      );
      assert.equal(unverified.statusCode, 409, unverified.body);
      const linked = await api(
        'PUT',
        `/login-requests/${c}/accept`,
        subject('carol-1', { email: 'carol@acme.test', email_verified: true }),
      );
      assert.equal(linked.statusCode, 200, linked.body);
      assert.equal(linked.json().user.id, plain.json().id);
      assert.equal(linked.json().user.external_id, 'carol-1');
    });

    test("reject: the client gets access_denied with the operator's description", async () => {
      const b = new Browser(t.http);
      const c = await challenge(b);
      const bad = await api('PUT', `/login-requests/${c}/reject`, {
        error_description: 'quote " not allowed',
      });
      assert.equal(bad.statusCode, 400, bad.body);
      const path = verifierPath(
        await api('PUT', `/login-requests/${c}/reject`, { error_description: 'Your account is locked' }),
      );
      const back = await b.request('GET', path);
      assert.equal(back.statusCode, 303);
      const to = new URL(String(back.headers.location));
      assert.equal(`${to.origin}${to.pathname}`, REDIRECT);
      assert.equal(to.searchParams.get('error'), 'access_denied');
      assert.equal(to.searchParams.get('error_description'), 'Your account is locked');
      assert.equal(to.searchParams.get('state'), 'st-1');
      assert.equal((await b.request('GET', path)).statusCode, 400, 'once');
    });

    test('reject with no safe redirect: the flow ends on its error page', async () => {
      const manual = await t.createApp({
        name: 'Manual Partner',
        type: 'partner',
        grantTypes: ['client_credentials'],
        grantDelivery: 'company_grant',
        scopes: ['users.read'],
      });
      const b = new Browser(t.http);
      const { res } = await b.follow(
        'GET',
        `/oauth2/authorize?response_type=code&client_id=${manual.clientId}&scope=users.read`,
      );
      const href = /href="([^"]+)">Sign in with Acme Login</.exec(res.body)?.[1] ?? '';
      const sent = await b.request('GET', href.replaceAll('&amp;', '&'));
      const c = new URL(String(sent.headers.location)).searchParams.get('login_challenge');
      const path = verifierPath(
        await api('PUT', `/login-requests/${c}/reject`, { error_description: 'Not one of ours' }),
      );
      const page = await b.request('GET', path);
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /Not one of ours/);
      assert.match(page.body, /access_denied/);
    });

    test('prompt=login: the login application is asked again and told who is signed in', async () => {
      const b = new Browser(t.http);
      const c = await challenge(b);
      const path = verifierPath(await api('PUT', `/login-requests/${c}/accept`, subject('again-1')));
      await b.follow('GET', path);
      // A fresh session and no prompt=login: no round trip, straight to consent.
      const fresh = await b.follow('GET', authorizeUrl());
      assert.match(fresh.res.body, /name="decision"/);
      const c2 = await challenge(b, '&prompt=login');
      const view = (await api('GET', `/login-requests/${c2}`)).json();
      assert.equal(view.prompt, 'login');
      assert.equal(view.subject, 'again-1');
    });

    test("the Integration Center's sign-in: back to the console page after the login application", async () => {
      const b = new Browser(t.http);
      const page = await b.follow('GET', '/login?return_to=/console');
      const href = /href="([^"]+)">Sign in with Acme Login</.exec(page.res.body)?.[1] ?? '';
      assert.match(href, /return_to=%2Fconsole/);
      const sent = await b.request('GET', href.replaceAll('&amp;', '&'));
      const c = new URL(String(sent.headers.location)).searchParams.get('login_challenge');
      const view = (await api('GET', `/login-requests/${c}`)).json();
      assert.equal(view.client, null, 'no app: a console sign-in');
      const path = verifierPath(await api('PUT', `/login-requests/${c}/accept`, subject('console-1')));
      const back = await b.request('GET', path);
      assert.equal(back.statusCode, 303);
      assert.equal(back.headers.location, '/console');
    });

    test('the operator API only: an admin key or no key is refused; bad input is a 400', async () => {
      const c = await challenge(new Browser(t.http));
      assert.equal((await api('GET', `/login-requests/${c}`, undefined, t.adminKey)).statusCode, 403);
      assert.equal((await api('GET', `/login-requests/${c}`, undefined, 'nope')).statusCode, 401);
      const unknownField = await api('PUT', `/login-requests/${c}/accept`, {
        subject: { external_id: 'x', email: 'x@acme.test', password: 'nope' },
      });
      assert.equal(unknownField.statusCode, 400, unknownField.body);
      const badRole = await api(
        'PUT',
        `/login-requests/${c}/accept`,
        subject('x', { companies: [{ external_id: 'acme', role: 'owner' }] }),
      );
      assert.equal(badRole.statusCode, 400);
      const badError = await api('PUT', `/login-requests/${c}/reject`, { error: 'server_error' });
      assert.equal(badError.statusCode, 400);
      assert.equal((await api('GET', '/login-requests/unknown')).statusCode, 404);
      assert.equal((await api('GET', '/login-requests/not%20valid')).statusCode, 400);
    });

    test('delegation alone: the login page is skipped, straight to the login application', async () => {
      only = await dialectServer(dialect, {
        signIn: {
          localPasswords: false,
          upstreams: [],
          upstreamTimeoutMs: 2000,
          delegation: { url: `${LOGIN_URL}?tenant=7`, name: 'Acme Login' },
        },
      });
      const partner = await only.createApp({
        name: 'Solo',
        type: 'partner',
        grantTypes: ['authorization_code'],
        redirectUris: [REDIRECT],
      });
      const b = new Browser(only.http);
      const { res, location } = await b.follow(
        'GET',
        `/oauth2/authorize?response_type=code&client_id=${partner.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read`,
      );
      assert.equal(res.statusCode, 303);
      const to = new URL(String(location));
      assert.equal(to.searchParams.get('tenant'), '7');
      assert.ok(to.searchParams.get('login_challenge'));
      const console = await new Browser(only.http).follow('GET', '/login?return_to=/console');
      assert.match(String(console.location), /login_challenge=/);
    });

    test('no line was logged at error level, and no challenge or verifier in any line (request lines: request-logger.test.ts)', () => {
      assert.deepEqual(errorLines(t), []);
      const lines = t.logs.map((l) => JSON.stringify(l));
      assert.equal(
        lines.some((l) => /gth[lv]_[A-Za-z0-9_-]{8}/.test(l)),
        false,
        'no challenge or verifier in the logs',
      );
    });
  });
});
