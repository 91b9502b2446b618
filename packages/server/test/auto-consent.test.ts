import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, signIn } from './browser.ts';
import { type DialectServer, dialectServer } from './dialect-server.ts';
import { forDialects } from './pg.ts';

const REDIRECT = 'https://intranet.acme.example/callback';
const PASSWORD = 'correct horse battery staple';

/**
 * Auto consent: an internal app of the company being authorized may skip the consent page
 * (the grant is still recorded); a partner app may not, whoever asks.
 */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`auto consent for internal apps (${dialect})`, { skip: skip || false }, () => {
    let t: DialectServer;
    before(async () => {
      t = await dialectServer(dialect);
      await t.gh.companies.createUser(
        { email: 'ida@acme.test', password: PASSWORD, companyId: t.companyId, role: 'admin' },
        'test',
      );
    });
    after(() => t.close());

    const api = (method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) =>
      t.http.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${t.adminKey}` },
        payload,
      });
    const browserApp = (type: 'internal' | 'partner', extra: Record<string, unknown> = {}) =>
      api('POST', '/apps', {
        name: `${type} portal`,
        type,
        grant_types: ['authorization_code'],
        redirect_uris: [REDIRECT],
        scopes: ['users.read'],
        ...extra,
      });

    test('refused for a partner app, at creation and by an edit', async () => {
      const created = await browserApp('partner', { auto_consent: true });
      assert.equal(created.statusCode, 400, created.body);
      assert.match(created.json().fields.auto_consent, /only for internal apps/);
      const partner = await browserApp('partner');
      assert.equal(partner.statusCode, 201, partner.body);
      assert.equal(partner.json().auto_consent, false);
      const edited = await api('PATCH', `/apps/${partner.json().id}`, { auto_consent: true });
      assert.equal(edited.statusCode, 400, edited.body);
      assert.ok(edited.json().fields.auto_consent);
    });

    test("an internal app with auto consent skips the page for its own company's admin; the grant is recorded", async () => {
      const created = await browserApp('internal', { auto_consent: true });
      assert.equal(created.statusCode, 201, created.body);
      const app = created.json();
      assert.equal(app.auto_consent, true);
      const url = (extra = '') =>
        `/oauth2/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=users.read&state=s${extra}`;
      const b = new Browser(t.http);
      const login = await b.follow('GET', url());
      const done = await signIn(b, login.res.body, 'ida@acme.test', PASSWORD);
      assert.ok(String(done.location).startsWith(`${REDIRECT}?code=`), 'no consent page');
      const grants = await t.gh.grants.connectedApps(t.companyId);
      assert.ok(
        grants.some((g) => g.app.id === app.id),
        'the grant is recorded as after consent',
      );
      const asked = await b.follow('GET', url('&prompt=consent'));
      assert.match(asked.res.body, /name="decision"/, 'prompt=consent still shows the page');

      const off = await api('PATCH', `/apps/${app.id}`, { auto_consent: false });
      assert.equal(off.json().auto_consent, false);
      const again = await b.follow('GET', url());
      assert.match(again.res.body, /name="decision"/, 'off: the page again');
    });
  });
});
