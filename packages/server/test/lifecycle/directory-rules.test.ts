import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type RunningDemoApi, startDemoApi } from '../../../../examples/demo-api/src/index.ts';
import { Browser, decide, signIn } from '../browser.ts';
import type { TestServer } from '../helpers.ts';
import { testServer } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { type Creds, delegatedTokens, partnerApp, REDIRECT, refresh } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/**
 * The deletion and role rules of the directory lifecycle, end to end: through the operator
 * API, the authorize and consent pages, the token endpoint and an API that follows the
 * revocation feed with @gatehouse/resource-server.
 */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`directory rules reach sessions, consent pages and resource servers (${dialect})`, {
    skip: skip || false,
  }, () => {
    let t: TestServer;
    let db: TestDatabase | undefined;
    let api: RunningDemoApi;
    let partner: Creds;
    let operatorKey: string;

    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      t = await testServer({
        config: {
          issuer: url,
          port,
          host: '127.0.0.1',
          invalidationPollMs: 50,
          ...(db ? { databaseUrl: db.url } : {}),
        },
      });
      await t.http.listen({ host: '127.0.0.1', port });
      partner = await partnerApp(t, { scopes: ['users.read'] });
      operatorKey = (await t.gh.operatorKeys.create({}, 'test')).secret;
      api = await startDemoApi({ issuer: url, audience: t.config.audience, host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      await api?.close();
      await t?.close();
      await db?.cleanup();
    });

    const op = (method: 'PATCH' | 'DELETE' | 'POST', url: string, payload?: Record<string, unknown>) =>
      t.http.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${operatorKey}` },
        ...(payload ? { payload } : {}),
      });
    const apiStatus = async (token: string) =>
      (await fetch(`${api.url}/users/v1/users`, { headers: { authorization: `Bearer ${token}` } })).status;

    /** A new company with two admins, so that the first may lose the role. */
    async function companyWithAdmins() {
      const company = await t.gh.companies.createCompany({ name: 'Rules Co' }, 'test');
      // Only the first signs in: the second needs no password (scrypt is slow on a busy machine).
      const admin = async (password?: string) =>
        t.gh.companies.createUser(
          {
            email: `${crypto.randomUUID()}@rules.test`,
            ...(password ? { password } : {}),
            companyId: company.id,
            role: 'admin',
          },
          'test',
        );
      return { companyId: company.id, first: await admin(PASSWORD), second: await admin() };
    }

    /** Signs `email` in through the authorize page of the partner app; returns the consent page. */
    async function consentPage(email: string) {
      const b = new Browser(t.http);
      const login = await b.follow(
        'GET',
        `/oauth2/authorize?response_type=code&client_id=${partner.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read&state=s1`,
      );
      assert.match(login.res.body, /Sign in/);
      const consent = await signIn(b, login.res.body, email, PASSWORD);
      return { b, consent };
    }

    for (const [label, change] of [
      [
        'demoted to member',
        (co: string, u: string) => op('PATCH', `/companies/${co}/members/${u}`, { role: 'member' }),
      ],
      ['removed from the company', (co: string, u: string) => op('DELETE', `/companies/${co}/members/${u}`)],
    ] as const)
      it(`an admin ${label} while the consent page is open cannot grant`, async () => {
        const { companyId, first } = await companyWithAdmins();
        const { b, consent } = await consentPage(first.email);
        assert.match(consent.res.body, /Rules Co/);
        const changed = await change(companyId, first.id);
        assert.ok(changed.statusCode === 200 || changed.statusCode === 204, changed.body);
        const done = await decide(b, consent.res.body, 'grant');
        assert.ok(done.location?.startsWith(`${REDIRECT}?`), done.res.body);
        const back = new URL(done.location as string);
        assert.equal(back.searchParams.get('error'), 'access_denied');
        assert.equal(back.searchParams.get('code'), null);
        assert.equal(
          await t.gh.storage.getActiveGrant(partner.appId, companyId),
          undefined,
          'nothing was granted',
        );
      });

    it('the last admin cannot be demoted or removed: 409 with the reason', async () => {
      const { companyId, first, second } = await companyWithAdmins();
      assert.equal((await op('DELETE', `/companies/${companyId}/members/${second.id}`)).statusCode, 204);
      for (const res of [
        await op('PATCH', `/companies/${companyId}/members/${first.id}`, { role: 'member' }),
        await op('DELETE', `/companies/${companyId}/members/${first.id}`),
      ]) {
        assert.equal(res.statusCode, 409);
        assert.match(res.json().error_description, /last admin of the company/);
      }
      assert.equal((await t.gh.storage.getMembership(first.id, companyId))?.role, 'admin');
    });

    it('a disabled user cannot sign in and their browser session ends at once', async () => {
      const { first } = await companyWithAdmins();
      const { b, consent } = await consentPage(first.email);
      assert.match(consent.res.body, /Rules Co/);
      assert.equal((await op('POST', `/users/${first.id}/disable`)).statusCode, 200);
      const again = await b.follow(
        'GET',
        `/oauth2/authorize?response_type=code&client_id=${partner.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read&state=s2`,
      );
      assert.match(again.res.body, /Sign in/, 'the session is gone');
      const refused = await signIn(b, again.res.body, first.email, PASSWORD);
      assert.doesNotMatch(refused.res.body, /Rules Co/);
      assert.match(refused.res.body, /Sign in/);
      assert.equal((await op('POST', `/users/${first.id}/enable`)).statusCode, 200);
      const back = await signIn(b, refused.res.body, first.email, PASSWORD);
      assert.match(back.res.body, /Rules Co/, 'enabled again, they sign in');
    });

    it('deleting a user revokes their refresh tokens (the API refuses within 1 s), keeps the grant they gave', async () => {
      const { companyId } = await companyWithAdmins();
      const tokens = await delegatedTokens(t, partner, { companyId });
      assert.equal(await apiStatus(tokens.access_token), 200);
      const session = await t.gh.sessions.signIn(undefined, tokens.userId);
      const deleted = await op('DELETE', `/users/${tokens.userId}`);
      assert.equal(deleted.statusCode, 204, deleted.body);
      const started = Date.now();
      let status = await apiStatus(tokens.access_token);
      while (status === 200 && Date.now() - started < 1000) {
        await new Promise((r) => setTimeout(r, 20));
        status = await apiStatus(tokens.access_token);
      }
      assert.equal(status, 401, `still accepted ${Date.now() - started} ms after the delete`);
      const again = await refresh(t, partner, tokens.refresh_token);
      assert.equal(again.statusCode, 400);
      assert.equal(again.json().error, 'invalid_grant');
      assert.equal(await t.gh.sessions.load(session.token), undefined, 'their session ended');
      const grant = await t.gh.storage.getActiveGrant(partner.appId, companyId);
      assert.ok(grant, 'the company grant stays: it is the company’s');
      assert.equal(grant.grantedBy, tokens.userId, 'and records who gave it');
      assert.equal((await op('DELETE', `/users/${tokens.userId}`)).statusCode, 404);
    });

    it('a plan change applies to the next authorization at once; grants given under the old plan stay', async () => {
      const { companyId, first } = await companyWithAdmins();
      const tokens = await delegatedTokens(t, partner, { companyId });
      assert.equal((await op('PATCH', `/companies/${companyId}`, { plan: 'free' })).statusCode, 200);
      // The grant given on enterprise stays, and so do its tokens: refresh still works.
      const refreshed = await refresh(t, partner, tokens.refresh_token);
      assert.equal(refreshed.statusCode, 200, refreshed.body);
      assert.ok(await t.gh.storage.getActiveGrant(partner.appId, companyId));
      // A new authorization meets the plan page.
      const { consent } = await consentPage(first.email);
      assert.equal(consent.res.statusCode, 403, consent.res.body);
      assert.match(consent.res.body, /pro or enterprise/);
      assert.equal((await op('PATCH', `/companies/${companyId}`, { plan: 'pro' })).statusCode, 200);
      const { b, consent: open } = await consentPage(first.email);
      assert.match(open.res.body, /Rules Co/, 'upgraded: consent is back at once');
      const done = await decide(b, open.res.body, 'grant');
      assert.ok(new URL(done.location as string).searchParams.get('code'));
    });
  });
});
