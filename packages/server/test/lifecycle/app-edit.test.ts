import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, decide, signIn } from '../browser.ts';
import { twoNodes } from '../fixtures/two-nodes.ts';
import { FORM, type TestServer } from '../helpers.ts';
import { forDialects } from '../pg.ts';
import { type Creds, post } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
const OLD = 'https://partner.example/old-callback';
const NEW = 'https://partner.example/new-callback';
/** Long enough that no node reads the invalidation feed on its own during a test. */
const NEVER = 3_600_000;

const authorizeUrl = (clientId: string, redirectUri: string) =>
  `/oauth2/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&scope=users.read&state=s1`;

/** Signs in, grants, and exchanges the code at the token endpoint. */
async function codeFlow(t: TestServer, app: Creds, email: string) {
  const b = new Browser(t.http);
  const login = await b.follow('GET', authorizeUrl(app.clientId, NEW));
  assert.equal(login.res.statusCode, 200, login.res.body);
  const consent = await signIn(b, login.res.body, email, PASSWORD);
  assert.match(consent.res.body, /Renamed partner/, 'the consent page shows the new name');
  const done = await decide(b, consent.res.body, 'grant');
  assert.ok(done.location?.startsWith(`${NEW}?`), done.location);
  const code = new URL(done.location as string).searchParams.get('code') as string;
  const token = await post(t, '/oauth2/token', app, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: NEW,
  });
  assert.equal(token.statusCode, 200, token.body);
  return token.json() as { access_token: string; expires_in: number };
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`an edited app, on every node (${dialect})`, { skip: skip || false }, () => {
    let nodes: Awaited<ReturnType<typeof twoNodes>>;
    before(async () => {
      // No node polls the invalidation feed on its own: what node b sees at once, it sees
      // without it; the feed is read by hand where the test says so.
      nodes = await twoNodes(dialect, { invalidationPollMs: NEVER });
    });
    after(() => nodes?.close());

    it('a partner app moved to a new redirect URI completes the code flow there with the same client_id; the old URI is refused', async () => {
      const { a, b } = nodes;
      const app = await a.createApp({
        name: 'Partner',
        type: 'partner',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [OLD],
      });
      await a.gh.companies.createUser(
        { email: `admin-${dialect}@edit.test`, password: PASSWORD, companyId: a.companyId, role: 'admin' },
        'test',
      );
      // Both nodes have the app cached as it was.
      for (const node of [a, b]) {
        const before = await new Browser(node.http).follow('GET', authorizeUrl(app.clientId, OLD));
        assert.equal(before.res.statusCode, 200);
        assert.match(before.res.body, /Sign in/);
      }
      const edited = await a.gh.apps.update(
        a.companyId,
        app.clientId,
        { name: 'Renamed partner', addRedirectUris: [NEW], removeRedirectUris: [OLD] },
        'test',
      );
      assert.equal(edited.clientId, app.clientId);
      for (const node of [a, b]) {
        const refused = await new Browser(node.http).request('GET', authorizeUrl(app.clientId, OLD));
        assert.equal(refused.statusCode, 400, 'the removed URI is refused, on a page, never redirected to');
        assert.equal(refused.headers.location, undefined);
        assert.match(refused.body, /does not match any redirect URI registered/);
        await codeFlow(node, app, `admin-${dialect}@edit.test`);
      }
    });

    it('the other node sees every change once it reads the feed, without a restart', async () => {
      const { a, b } = nodes;
      const app = await a.createApp({ name: 'Internal' });
      const token = () =>
        b.http.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: FORM,
          payload: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}`,
        });
      assert.equal((await token()).json().expires_in, 3600); // cached on b
      await a.gh.apps.update(a.companyId, app.appId, { tokenTtl: 600, tokenFormat: 'opaque' }, 'test');
      await b.gh.bus.poll();
      const after = (await token()).json();
      assert.equal(after.expires_in, 600);
      assert.doesNotMatch(after.access_token, /^ey/, 'opaque now');
      assert.equal((await b.gh.apps.findByClientId(app.clientId))?.tokenTtl, 600);
    });
  });
});
