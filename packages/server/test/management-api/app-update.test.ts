import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DialectServer, dialectServer } from '../dialect-server.ts';
import { partnerApp, REDIRECT } from '../lifecycle/helpers.ts';
import { forDialects } from '../pg.ts';
import { NO_WEBHOOK_DELIVERY, signedIn } from './fixtures.ts';

const CB = REDIRECT;

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`PATCH /api/v1/apps/{id} (${dialect})`, { skip: skip || false }, () => {
    let t: DialectServer;
    /** With the admin key, or with the given headers instead (a console session). */
    const patch = (id: string, payload: unknown, headers?: Record<string, string>) =>
      t.http.inject({
        method: 'PATCH',
        url: `/api/v1/apps/${id}`,
        headers: headers ?? { authorization: `Bearer ${t.adminKey}` },
        payload: payload as Record<string, unknown>,
      });
    const partner = () => partnerApp(t, { name: 'Partner' });

    before(async () => {
      t = await dialectServer(dialect, NO_WEBHOOK_DELIVERY);
      await t.gh.webhooks.create(
        { companyId: t.companyId, url: 'http://127.0.0.1:9/hook', events: ['*'] },
        'test',
      );
    });
    after(() => t.close());

    it('changes every editable field, audits before and after, and sends app.updated', async () => {
      const app = await partner();
      const change = {
        name: 'Partner, renamed',
        logo_url: 'https://partner.example/logo.png',
        redirect_uris: ['https://partner.example/new', 'http://127.0.0.1:8080/cb'],
        token_ttl: 900,
        signing_alg: 'EdDSA',
        token_format: 'opaque',
        grant_delivery: 'company_grant',
        implicit: true,
        skip_consent: true,
      };
      const res = await patch(app.appId, change);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      const { implicit: _, ...plain } = change;
      assert.deepEqual({ ...body, ...plain }, body, 'every field as sent');
      assert.deepEqual(body.grant_types, ['authorization_code', 'refresh_token', 'implicit']);
      assert.deepEqual(body.scopes, ['users.read', 'users.write'], 'scopes untouched');
      assert.equal(body.client_id, app.clientId);
      const read = await t.http.inject({
        url: `/api/v1/apps/${app.appId}`,
        headers: { authorization: `Bearer ${t.adminKey}` },
      });
      assert.deepEqual(read.json(), body);

      const [event] = (await t.gh.audit.list(t.companyId, { action: 'app.updated' })).items.filter(
        (e) => e.target === `app:${app.appId}`,
      );
      assert.ok(event);
      assert.match(event.actor, /^admin_key:/);
      const changes = event.data.changes as Record<string, { before: unknown; after: unknown }>;
      assert.deepEqual(changes.name, { before: 'Partner', after: 'Partner, renamed' });
      assert.deepEqual(changes.redirect_uris, { before: [CB], after: change.redirect_uris });
      assert.deepEqual(changes.grant_types, {
        before: ['authorization_code', 'refresh_token'],
        after: ['authorization_code', 'refresh_token', 'implicit'],
      });
      assert.deepEqual(Object.keys(changes).sort(), [
        'grant_delivery',
        'grant_types',
        'logo_url',
        'name',
        'redirect_uris',
        'signing_alg',
        'skip_consent',
        'token_format',
        'token_ttl',
      ]);
      const deliveries = (await t.gh.webhooks.deliveries(t.companyId)).items.filter(
        (d) => d.eventType === 'app.updated' && JSON.parse(d.payload).data.app_id === app.appId,
      );
      assert.equal(deliveries.length, 1);
      const sent = JSON.parse(deliveries[0]?.payload ?? '{}');
      assert.equal(sent.data.client_id, app.clientId);
      assert.deepEqual(sent.data.changes, changes);
    });

    it('takes the client_id for the id, adds and removes redirect URIs, and a repeat changes nothing', async () => {
      const app = await partner();
      const next = 'https://partner.example/next';
      const body = { add_redirect_uris: [next], remove_redirect_uris: [CB] };
      const first = await patch(app.clientId, body);
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(first.json().redirect_uris, [next]);
      const again = await patch(app.clientId, body);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), first.json());
      const events = (await t.gh.audit.list(t.companyId, { action: 'app.updated' })).items.filter(
        (e) => e.target === `app:${app.appId}`,
      );
      assert.equal(events.length, 1, 'the repeat wrote no audit event');
      const byClientId = await t.http.inject({
        url: `/api/v1/apps/${app.clientId}`,
        headers: { authorization: `Bearer ${t.adminKey}` },
      });
      assert.equal(byClientId.json().id, app.appId);
      // Back to no logo, and implicit off again.
      await patch(app.appId, { logo_url: 'https://partner.example/l.png', implicit: true });
      const cleared = await patch(app.appId, { logo_url: null, implicit: false });
      assert.equal(cleared.json().logo_url, null);
      assert.deepEqual(cleared.json().grant_types, ['authorization_code', 'refresh_token']);
    });

    it('refuses a change of scopes with 400, saying to create a new app', async () => {
      const app = await partner();
      const res = await patch(app.appId, { scopes: ['users.read'] });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error, 'validation_failed');
      assert.match(res.json().fields.scopes, /create a new app/);
      assert.match(res.json().error_description, /create a new app/);
      const unchanged = await t.gh.apps.get(t.companyId, app.appId);
      assert.deepEqual(unchanged.scopes, ['users.read', 'users.write']);
      // The service says the same to the CLI and the console; the same set is no change.
      await assert.rejects(
        t.gh.apps.update(t.companyId, app.appId, { scopes: ['users.read'] }, 'test'),
        /create a new app/,
      );
      await t.gh.apps.update(t.companyId, app.appId, { scopes: ['users.write', 'users.read'] }, 'test');
    });

    it('answers invalid fields with 400 naming the field, and changes nothing', async () => {
      const app = await partner();
      const cases: Array<[Record<string, unknown>, string, RegExp?]> = [
        [{ name: '   ' }, 'name', /1 to 100/],
        [{ name: 'x'.repeat(101) }, 'name'],
        [{ redirect_uris: ['http://partner.example/cb'] }, 'redirect_uris', /https/],
        [{ add_redirect_uris: ['https://partner.example/a#frag'] }, 'redirect_uris', /fragment/],
        [{ add_redirect_uris: ['HTTPS://partner.example/a'] }, 'redirect_uris', /lowercase scheme/],
        [{ redirect_uris: [CB], remove_redirect_uris: [CB] }, 'redirect_uris', /not together/],
        [{ token_ttl: 5 }, 'token_ttl'],
        [{ token_ttl: 'long' }, 'token_ttl'],
        [{ signing_alg: 'HS256' }, 'signing_alg'],
        [{ token_format: 'paseto' }, 'token_format'],
        [{ grant_delivery: 'email' }, 'grant_delivery'],
        [{ logo_url: 'ftp://partner.example/l.png' }, 'logo_url', /https/],
        [{ implicit: 'yes' }, 'implicit'],
        [{ type: 'internal' }, 'type', /not a known field/],
        [{ client_type: 'public' }, 'client_type'],
        [{}, 'body'],
      ];
      for (const [payload, field, message] of cases) {
        const res = await patch(app.appId, payload);
        assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
        assert.equal(res.json().error, 'validation_failed');
        assert.ok(field in res.json().fields, `${JSON.stringify(payload)} names ${field}: ${res.body}`);
        if (message) assert.match(res.json().fields[field], message);
      }
      const same = await t.gh.apps.get(t.companyId, app.appId);
      assert.equal(same.name, 'Partner');
      assert.deepEqual(same.redirectUris, [CB]);
    });

    it("answers an unknown id, and another company's app, with 404", async () => {
      for (const id of ['app_doesnotexist', 'cl_doesnotexist']) {
        const res = await patch(id, { name: 'x' });
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().error, 'not_found');
      }
      const other = await t.gh.companies.createCompany({ name: 'Other' }, 'test');
      const { app } = await t.gh.apps.create(
        { companyId: other.id, name: 'Theirs', scopes: ['users.read'] },
        'test',
      );
      for (const id of [app.id, app.clientId]) {
        const res = await patch(id, { name: 'Mine now' });
        assert.equal(res.statusCode, 404, res.body);
      }
      assert.equal((await t.gh.apps.get(other.id, app.id)).name, 'Theirs');
    });

    it('is for admins: a member is refused with 403, and a session needs its CSRF token', async () => {
      const app = await partner();
      const member = await signedIn(t, t.companyId, 'member');
      const res = await patch(
        app.appId,
        { name: 'By a member' },
        { cookie: member.cookie, 'x-csrf-token': member.csrf },
      );
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error, 'admin_required');
      const admin = await signedIn(t, t.companyId, 'admin');
      const noCsrf = await patch(app.appId, { name: 'No CSRF' }, { cookie: admin.cookie });
      assert.equal(noCsrf.statusCode, 403);
      const ok = await patch(
        app.appId,
        { name: 'By an admin' },
        { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      );
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((await t.gh.apps.get(t.companyId, app.appId)).name, 'By an admin');
    });

    it('device_code opts the app in to the device authorization grant, and out again', async () => {
      const app = await partner();
      const on = await patch(app.appId, { device_code: true });
      assert.equal(on.statusCode, 200, on.body);
      assert.ok(on.json().grant_types.includes('urn:ietf:params:oauth:grant-type:device_code'));
      const off = await patch(app.appId, { device_code: false });
      assert.equal(off.statusCode, 200, off.body);
      assert.ok(!off.json().grant_types.includes('urn:ietf:params:oauth:grant-type:device_code'));
    });

    it('concurrent edits of different fields both land', async () => {
      const app = await partner();
      const adds = [
        'https://partner.example/one',
        'https://partner.example/two',
        'https://partner.example/three',
      ];
      const results = await Promise.all(adds.map((uri) => patch(app.appId, { add_redirect_uris: [uri] })));
      for (const r of results) assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(
        (await t.gh.apps.get(t.companyId, app.appId)).redirectUris.sort(),
        [CB, ...adds].sort(),
      );
    });
  });
});
