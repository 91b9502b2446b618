import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DialectServer, dialectServer } from './dialect-server.ts';
import { SVG_LOGO, solidPng } from './fixtures/images.ts';
import { partnerApp, REDIRECT } from './lifecycle/helpers.ts';
import { NO_WEBHOOK_DELIVERY, signedIn } from './management-api/fixtures.ts';
import { forDialects } from './pg.ts';

const CB = REDIRECT;
const BOUNDARY = 'editboundary';

/** A multipart body as the Edit form sends it, with an optional logo file. */
function multipart(fields: Record<string, string>, logo?: Buffer): Buffer {
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  if (logo)
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="logo"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      logo,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`console: the app Edit page (${dialect})`, { skip: skip || false }, () => {
    let t: DialectServer;
    let admin: Awaited<ReturnType<typeof signedIn>>;
    const edit = (appId: string) => `/console/c/${t.companyId}/apps/${appId}/edit`;
    const get = (url: string, cookie = admin.cookie) =>
      t.http.inject({ method: 'GET', url, headers: { cookie } });
    const post = (appId: string, fields: Record<string, string>, logo?: Buffer, who = admin) =>
      t.http.inject({
        method: 'POST',
        url: edit(appId),
        headers: { cookie: who.cookie, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: multipart({ csrf_token: who.csrf, ...fields }, logo),
      });
    const partner = () => partnerApp(t, { name: 'Partner' });
    const form = {
      name: 'Partner, renamed',
      redirect_uris: `${CB}\r\nhttps://partner.example/second`,
      token_ttl: '900',
      token_format: 'opaque',
      signing_alg: 'EdDSA',
      grant_delivery: 'company_grant',
      implicit: 'on',
      skip_consent: 'on',
    };

    before(async () => {
      t = await dialectServer(dialect, NO_WEBHOOK_DELIVERY);
      admin = await signedIn(t, t.companyId, 'admin');
    });
    after(() => t.close());

    it('shows the editable fields with labels, the scopes read-only with the reason, under the strict CSP', async () => {
      const app = await partner();
      const res = await get(edit(app.appId));
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
      for (const id of [
        'name',
        'logo',
        'redirect_uris',
        'token_ttl',
        'signing_alg',
        'skip_consent',
        'implicit',
      ])
        assert.match(res.body, new RegExp(`<label for="${id}"`), id);
      assert.match(res.body, /name="csrf_token" value="[^"]+"/);
      assert.match(res.body, /Scopes cannot be changed[^<]*create a new app/);
      assert.doesNotMatch(res.body, /name="scope"/, 'no scope field to submit');
      const detail = await get(`/console/c/${t.companyId}/apps/${app.appId}`);
      assert.match(detail.body, new RegExp(`href="${edit(app.appId)}"`));
    });

    it('sets the client authentication method, the public keys and PAR; bad keys stay typed', async () => {
      const app = await partner();
      const page = await get(edit(app.appId));
      for (const id of ['auth-private_key_jwt', 'jwks', 'jwks_uri', 'require_par'])
        assert.match(page.body, new RegExp(`id="${id}"`), id);
      const notJson = await post(app.appId, {
        ...form,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: '{oops',
      });
      assert.equal(notJson.statusCode, 400);
      assert.match(notJson.body, /not valid JSON/);
      assert.match(notJson.body, /\{oops/, 'what was typed is kept');
      const res = await post(app.appId, {
        ...form,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://partner.example/jwks.json',
        require_par: 'on',
      });
      assert.equal(res.statusCode, 303, res.body);
      const saved = await t.gh.apps.get(t.companyId, app.appId);
      assert.equal(saved.tokenEndpointAuthMethod, 'private_key_jwt');
      assert.equal(saved.jwksUri, 'https://partner.example/jwks.json');
      assert.equal(saved.requirePushedAuthorizationRequests, true);
      const missing = await post(app.appId, { ...form, token_endpoint_auth_method: 'private_key_jwt' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /needs the public keys/);
    });

    it('saves every field, audits it as the user, and shows the app as saved', async () => {
      const app = await partner();
      const res = await post(app.appId, form);
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, `/console/c/${t.companyId}/apps/${app.appId}?saved=1`);
      const saved = await t.gh.apps.get(t.companyId, app.appId);
      assert.equal(saved.name, 'Partner, renamed');
      assert.deepEqual(saved.redirectUris, [CB, 'https://partner.example/second']);
      assert.equal(saved.tokenTtl, 900);
      assert.equal(saved.tokenFormat, 'opaque');
      assert.equal(saved.signingAlg, 'EdDSA');
      assert.equal(saved.grantDelivery, 'company_grant');
      assert.deepEqual(saved.grantTypes, ['authorization_code', 'refresh_token', 'implicit']);
      assert.equal(saved.skipConsent, true);
      const [event] = (
        await t.gh.audit.list(t.companyId, { action: 'app.updated', target: `app:${app.appId}` })
      ).items;
      assert.equal(event?.actor, `user:${admin.userId}`);
      const log = await get(`/console/c/${t.companyId}/audit?action=app.updated`);
      assert.match(log.body, /App edited/);
      assert.match(log.body, /changed name, redirect_uris, token_ttl/);
      const shown = await get(res.headers.location as string);
      assert.match(shown.body, /Changes saved/);
      assert.match(shown.body, /Partner, renamed/);
      // Unticked boxes turn implicit and remembered consent off again.
      const { implicit: _i, skip_consent: _s, ...off } = form;
      assert.equal((await post(app.appId, off)).statusCode, 303);
      const after = await t.gh.apps.get(t.companyId, app.appId);
      assert.deepEqual(after.grantTypes, ['authorization_code', 'refresh_token']);
      assert.equal(after.skipConsent, false);
    });

    it('the device authorization grant: a checkbox ticks it on, unticked it goes off', async () => {
      const app = await partner();
      assert.match((await get(edit(app.appId))).body, /<label for="device_code"/);
      const device = { ...form, grant_delivery: 'code', device_code: 'on' };
      assert.equal((await post(app.appId, device)).statusCode, 303);
      const on = await t.gh.apps.get(t.companyId, app.appId);
      assert.ok(
        on.grantTypes.includes('urn:ietf:params:oauth:grant-type:device_code'),
        String(on.grantTypes),
      );
      const { device_code: _d, ...off } = device;
      assert.equal((await post(app.appId, off)).statusCode, 303);
      const after = await t.gh.apps.get(t.companyId, app.appId);
      assert.ok(!after.grantTypes.includes('urn:ietf:params:oauth:grant-type:device_code'));
    });

    it('the create page offers the device authorization grant too', async () => {
      assert.match((await get(`/console/c/${t.companyId}/apps/new`)).body, /<label for="device_code"/);
      const res = await t.http.inject({
        method: 'POST',
        url: `/console/c/${t.companyId}/apps`,
        headers: { cookie: admin.cookie, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: multipart({
          csrf_token: admin.csrf,
          name: 'Time clock',
          type: 'internal',
          token_ttl: '3600',
          scope: 'users.read',
          device_code: 'on',
        }),
      });
      assert.equal(res.statusCode, 303, res.body);
      const created = (await t.gh.apps.list(t.companyId)).find((a) => a.name === 'Time clock');
      assert.deepEqual(created?.grantTypes, [
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:device_code',
      ]);
    });

    it('comes back with the errors, escaped, and changes nothing', async () => {
      const app = await partner();
      const res = await post(app.appId, {
        ...form,
        name: '<script>alert(1)</script>',
        redirect_uris: 'http://partner.example/cb',
        token_ttl: 'soon',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /role="alert"/);
      assert.match(res.body, /must use https/);
      assert.match(res.body, /token lifetime must be a whole number/);
      assert.match(res.body, /aria-invalid="true"/);
      assert.doesNotMatch(res.body, /<script>alert/);
      assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      const same = await t.gh.apps.get(t.companyId, app.appId);
      assert.equal(same.name, 'Partner');
      assert.deepEqual(same.redirectUris, [CB]);
    });

    it('in German: the form and the problems the app service found, from the catalogs', async () => {
      const app = await partner();
      const de = { ...admin, cookie: `${admin.cookie}; gatehouse_locale=de` };
      const page = await get(edit(app.appId), de.cookie);
      assert.match(page.body, /<html lang="de" dir="ltr">/);
      assert.match(page.body, /<h1>Partner bearbeiten<\/h1>/);
      assert.match(page.body, />Client-Authentifizierung</);
      assert.match(page.body, />Änderungen speichern</);
      const res = await post(
        app.appId,
        { ...form, name: '', redirect_uris: 'http://partner.example/cb', token_ttl: 'soon' },
        undefined,
        de,
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Die Änderungen wurden nicht gespeichert:/);
      assert.match(res.body, /Der Anzeigename muss 1 bis 100 Zeichen lang sein\./);
      assert.match(res.body, /Die Weiterleitungs-URI „http:\/\/partner\.example\/cb“ muss https verwenden/);
      assert.match(
        res.body,
        /Die Lebensdauer des Tokens muss eine ganze Zahl von 60 bis 86\.400 Sekunden sein\./,
      );
      assert.doesNotMatch(res.body, /must use https|token lifetime|display name/);
    });

    it('replaces and removes the logo, deleting the one no longer shown; refuses what is no image', async () => {
      const app = await partner();
      const refused = await post(app.appId, form, SVG_LOGO);
      assert.equal(refused.statusCode, 400);
      assert.equal((await t.gh.apps.get(t.companyId, app.appId)).logoUrl, null);
      assert.equal((await post(app.appId, form, solidPng(16, 16))).statusCode, 303);
      const first = (await t.gh.apps.get(t.companyId, app.appId)).logoUrl as string;
      assert.match(first, /^\/logos\//);
      assert.equal((await post(app.appId, form, solidPng(24, 24))).statusCode, 303);
      const second = (await t.gh.apps.get(t.companyId, app.appId)).logoUrl as string;
      assert.notEqual(second, first);
      assert.equal((await get(first)).statusCode, 404, 'the replaced logo is gone');
      assert.equal((await post(app.appId, { ...form, remove_logo: 'on' })).statusCode, 303);
      assert.equal((await t.gh.apps.get(t.companyId, app.appId)).logoUrl, null);
      assert.equal((await get(second)).statusCode, 404);
    });

    it('is for admins of the company: members 403, forged CSRF 403, other companies 404', async () => {
      const app = await partner();
      const member = await signedIn(t, t.companyId, 'member');
      assert.equal((await get(edit(app.appId), member.cookie)).statusCode, 403);
      assert.equal((await post(app.appId, form, undefined, member)).statusCode, 403);
      assert.equal((await post(app.appId, form, undefined, { ...admin, csrf: 'forged' })).statusCode, 403);
      const other = await t.gh.companies.createCompany({ name: 'Other' }, 'test');
      const { app: theirs } = await t.gh.apps.create(
        { companyId: other.id, name: 'Theirs', scopes: ['users.read'] },
        'test',
      );
      assert.equal((await get(edit(theirs.id))).statusCode, 404);
      assert.equal((await post(theirs.id, form)).statusCode, 404);
      assert.equal((await t.gh.apps.get(t.companyId, app.appId)).name, 'Partner');
      assert.equal((await t.gh.apps.get(other.id, theirs.id)).name, 'Theirs');
    });
  });
});
