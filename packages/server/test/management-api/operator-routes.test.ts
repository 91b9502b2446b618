import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { grantedPartnerApp } from '../fixtures/partner-grant.ts';
import type { TestServer } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { NO_WEBHOOK_DELIVERY, signedIn, type Tenant, tenant, testServer } from './fixtures.ts';

type Json = Record<string, unknown>;

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`operator API (${dialect})`, { skip: skip || false }, () => {
    let t: TestServer;
    let db: TestDatabase | undefined;
    let a: Tenant;
    let op: { key: string; id: string };
    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      t = await testServer({ config: { ...NO_WEBHOOK_DELIVERY, ...(db ? { databaseUrl: db.url } : {}) } });
      a = await tenant(t, 'A');
      const { key, secret } = await t.gh.operatorKeys.create({ name: 'backend' }, 'test');
      op = { key: secret, id: key.id };
    });
    after(async () => {
      await t?.close();
      await db?.cleanup();
    });

    const call = (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      payload?: Json,
      headers: Record<string, string> = { authorization: `Bearer ${op.key}` },
    ) => t.http.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
    const company = async (name: string, extra: Json = {}) => {
      const res = await call('POST', '/companies', { name, ...extra });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; name: string; plan: string; external_id: string | null };
    };
    const user = async (extra: Json = {}) => {
      const res = await call('POST', '/users', { email: `${crypto.randomUUID()}@example.test`, ...extra });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as {
        id: string;
        email: string;
        external_id: string | null;
        disabled: boolean;
        email_verified: boolean;
      };
    };

    describe('authentication', () => {
      it('an admin key or a console session on an operator route is 403 operator_key_required', async () => {
        const session = await signedIn(t, a.companyId, 'admin');
        for (const headers of <Record<string, string>[]>[
          { authorization: `Bearer ${a.key}` },
          { cookie: session.cookie, 'x-csrf-token': session.csrf },
        ]) {
          for (const [method, url] of [
            ['GET', '/companies'],
            ['POST', '/users'],
            ['DELETE', `/companies/${a.companyId}`],
          ] as const) {
            const res = await call(
              method,
              url,
              method === 'POST' ? { email: 'x@example.test' } : undefined,
              headers,
            );
            assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
            assert.equal(res.json().error, 'operator_key_required');
          }
        }
        assert.ok(await t.gh.companies.getCompany(a.companyId), 'nothing was deleted');
      });

      it('no credentials, an unknown or a revoked operator key is 401', async () => {
        const { key, secret } = await t.gh.operatorKeys.create({}, 'test');
        await t.gh.operatorKeys.revoke(key.id, 'test');
        for (const headers of <Record<string, string>[]>[
          {},
          { authorization: 'Bearer gtho_unknown' },
          { authorization: `Bearer ${secret}` },
        ]) {
          const res = await call('GET', '/companies', undefined, headers);
          assert.equal(res.statusCode, 401, res.body);
          assert.equal(res.json().error, 'unauthorized');
        }
      });

      it('an operator key on a company route acts as admin of the company named by x-company-id', async () => {
        const auth = { authorization: `Bearer ${op.key}` };
        const none = await call('GET', '/apps', undefined, auth);
        assert.equal(none.statusCode, 400);
        assert.equal(none.json().error, 'company_required');
        const unknown = await call('GET', '/apps', undefined, {
          ...auth,
          'x-company-id': 'co_doesnotexist00',
        });
        assert.equal(unknown.statusCode, 404);
        assert.equal(unknown.json().error, 'not_found');
        const listed = await call('GET', '/apps', undefined, { ...auth, 'x-company-id': a.companyId });
        assert.equal(listed.statusCode, 200, listed.body);
        assert.ok(listed.json().items.some((x: { id: string }) => x.id === a.appId));
        const created = await call(
          'POST',
          '/apps',
          { name: 'By operator', scopes: ['users.read'] },
          { ...auth, 'x-company-id': a.companyId },
        );
        assert.equal(created.statusCode, 201, created.body);
        const events = await t.gh.audit.list(a.companyId, { action: 'app.created' });
        assert.equal(events.items[0]?.actor, `operator_key:${op.id}`);
      });
    });

    describe('companies', () => {
      it('creates, finds by id, by part of the name and by external id, pages', async () => {
        const tag = crypto.randomUUID().slice(0, 8);
        const one = await company(`Initech ${tag}`, { plan: 'pro', external_id: `crm-${tag}` });
        const two = await company(`initech ${tag} west`);
        assert.equal(one.plan, 'pro');
        assert.equal(one.external_id, `crm-${tag}`);
        assert.equal(two.plan, 'enterprise');
        assert.deepEqual((await call('GET', `/companies/${one.id}`)).json(), one);
        const byName = (await call('GET', `/companies?name=INITECH%20${tag}`)).json();
        assert.deepEqual(
          byName.items.map((c: { id: string }) => c.id),
          [two.id, one.id],
        );
        const byExt = (await call('GET', `/companies?external_id=crm-${tag}`)).json();
        assert.deepEqual(
          byExt.items.map((c: { id: string }) => c.id),
          [one.id],
        );
        const page1 = (await call('GET', `/companies?name=${tag}&limit=1`)).json();
        const page2 = (await call('GET', `/companies?name=${tag}&limit=1&cursor=${page1.next}`)).json();
        assert.deepEqual(
          [...page1.items, ...page2.items].map((c: { id: string }) => c.id),
          [two.id, one.id],
        );
        assert.equal(page2.next, null);
        const forged = await call('GET', '/companies?cursor=forged');
        assert.equal(forged.statusCode, 400);
        assert.equal(forged.json().error, 'invalid_cursor');
      });

      it('refuses invalid fields (400 naming them), a duplicate external id (409), unknown ids (404)', async () => {
        const ext = `dup-${crypto.randomUUID()}`;
        await company('First', { external_id: ext });
        const dup = await call('POST', '/companies', { name: 'Second', external_id: ext });
        assert.equal(dup.statusCode, 409, dup.body);
        assert.equal(dup.json().error, 'conflict');
        for (const [payload, field] of [
          [{ name: 'X', plan: 'platinum' }, 'plan'],
          [{ name: '' }, 'name'],
          [{ plan: 'pro' }, 'name'],
          [{ name: 'X', external_id: '' }, 'external_id'],
          [{ name: 'X', colour: 'red' }, 'colour'],
        ] as const) {
          const res = await call('POST', '/companies', payload);
          assert.equal(res.statusCode, 400, JSON.stringify(payload));
          assert.equal(res.json().error, 'validation_failed');
          assert.ok(field in res.json().fields, `${field}: ${res.body}`);
        }
        const spaced = await call('POST', '/companies', { name: 'X', external_id: ' padded ' });
        assert.equal(spaced.statusCode, 400);
        assert.ok('external_id' in spaced.json().fields, spaced.body);
        for (const [method, url, payload] of [
          ['GET', '/companies/co_nosuchcompany00', undefined],
          ['PATCH', '/companies/co_nosuchcompany00', { name: 'X' }],
          ['DELETE', '/companies/co_nosuchcompany00', undefined],
        ] as const) {
          const res = await call(method, url, payload);
          assert.equal(res.statusCode, 404, `${method} ${url}`);
          assert.equal(res.json().error, 'not_found');
        }
      });

      it('updates name, plan and external id, audited with before and after; the plan applies at once', async () => {
        const c = await company('Old name', { plan: 'enterprise' });
        const ext = `ext-${crypto.randomUUID()}`;
        const res = await call('PATCH', `/companies/${c.id}`, {
          name: 'New name',
          plan: 'free',
          external_id: ext,
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), { ...c, name: 'New name', plan: 'free', external_id: ext });
        const audit = await t.gh.audit.list(c.id, { action: 'company.updated' });
        assert.deepEqual(audit.items[0]?.data, {
          name: { from: 'Old name', to: 'New name' },
          plan: { from: 'enterprise', to: 'free' },
          external_id: { from: null, to: ext },
        });
        assert.equal(audit.items[0]?.actor, `operator_key:${op.id}`);
        // Plan gating reads the company each time: a free company may not create apps now.
        const denied = await call(
          'POST',
          '/apps',
          { name: 'Nope', scopes: ['users.read'] },
          { authorization: `Bearer ${op.key}`, 'x-company-id': c.id },
        );
        assert.equal(denied.statusCode, 403, denied.body);
        assert.equal(denied.json().error, 'plan_required');
        const empty = await call('PATCH', `/companies/${c.id}`, {});
        assert.equal(empty.statusCode, 400);
        const cleared = await call('PATCH', `/companies/${c.id}`, { external_id: null });
        assert.equal(cleared.json().external_id, null);
      });

      it('Idempotency-Key: a retried create returns the same company, once', async () => {
        const key = crypto.randomUUID();
        const send = () =>
          t.http.inject({
            method: 'POST',
            url: '/api/v1/companies',
            headers: { authorization: `Bearer ${op.key}`, 'idempotency-key': key },
            payload: { name: 'Once only' },
          });
        const first = await send();
        const again = await send();
        assert.equal(first.statusCode, 201);
        assert.equal(again.statusCode, 201);
        assert.equal(again.headers['idempotent-replayed'], 'true');
        assert.equal(again.json().id, first.json().id);
      });
    });

    describe('users', () => {
      it('creates with and without a password, searches by address and external id, updates', async () => {
        const ext = `u-${crypto.randomUUID()}`;
        const withPw = await user({ password: 'correct horse battery', external_id: ext, name: 'Pat' });
        const without = await user();
        assert.equal((await call('GET', `/users/${withPw.id}`)).json().has_password, true);
        assert.equal((await call('GET', `/users/${without.id}`)).json().has_password, false);
        assert.equal((await call('GET', `/users/${without.id}`)).json().email_verified, false);
        const vouched = await user({ email_verified: true });
        assert.equal(vouched.email_verified, true);
        const marked = await call('PATCH', `/users/${without.id}`, { email_verified: true });
        assert.equal(marked.json().email_verified, true);
        const moved = await call('PATCH', `/users/${without.id}`, {
          email: `moved-${crypto.randomUUID()}@x.test`,
        });
        assert.equal(moved.json().email_verified, false, 'a changed address is unverified again');
        const byEmail = (
          await call('GET', `/users?email=${encodeURIComponent(withPw.email.toUpperCase())}`)
        ).json();
        assert.deepEqual(
          byEmail.items.map((u: { id: string }) => u.id),
          [withPw.id],
        );
        const byExt = (await call('GET', `/users?external_id=${ext}`)).json();
        assert.deepEqual(
          byExt.items.map((u: { id: string }) => u.id),
          [withPw.id],
        );
        const email = `renamed-${crypto.randomUUID()}@example.test`;
        const patched = await call('PATCH', `/users/${without.id}`, {
          email,
          name: 'Renamed',
          external_id: `x-${ext}`,
        });
        assert.equal(patched.statusCode, 200, patched.body);
        assert.equal(patched.json().email, email);
        assert.equal(patched.json().external_id, `x-${ext}`);
        const dupEmail = await call('PATCH', `/users/${withPw.id}`, { email: email.toUpperCase() });
        assert.equal(dupEmail.statusCode, 409, dupEmail.body);
        const dupExt = await call('POST', '/users', {
          email: `${crypto.randomUUID()}@example.test`,
          external_id: ext,
        });
        assert.equal(dupExt.statusCode, 409);
        const dupCreate = await call('POST', '/users', { email: withPw.email.toUpperCase() });
        assert.equal(dupCreate.statusCode, 409);
        for (const [payload, field] of [
          [{ email: 'not-an-address' }, 'email'],
          [{ email: 'a@b.test', password: 'short' }, 'password'],
          [{ email: 'a@b.test', admin: true }, 'admin'],
        ] as const) {
          const res = await call('POST', '/users', payload);
          assert.equal(res.statusCode, 400, res.body);
          assert.ok(field in res.json().fields, `${field}: ${res.body}`);
        }
        const missing = await call('GET', '/users/usr_nosuchuser0000');
        assert.equal(missing.statusCode, 404);
        assert.equal(missing.json().error, 'not_found');
      });

      it('sets a password; a disabled user cannot sign in and their sessions end; enabled again, they can', async () => {
        const u = await user();
        const password = 'a brand new password';
        const set = await call('PUT', `/users/${u.id}/password`, { password });
        assert.equal(set.statusCode, 204, set.body);
        const signIn = () => t.gh.passwordSignIn.attempt(u.email, password, '203.0.113.9');
        assert.equal((await signIn()).kind, 'signed-in');
        const active = await t.gh.sessions.signIn(undefined, u.id);
        const disabled = await call('POST', `/users/${u.id}/disable`);
        assert.equal(disabled.statusCode, 200, disabled.body);
        assert.equal(disabled.json().disabled, true);
        assert.equal(await t.gh.sessions.load(active.token), undefined, 'the session ended');
        assert.equal((await signIn()).kind, 'invalid');
        const enabled = await call('POST', `/users/${u.id}/enable`);
        assert.equal(enabled.json().disabled, false);
        assert.equal((await signIn()).kind, 'signed-in');
        const events = await t.gh.audit.list(null, { target: `user:${u.id}` });
        assert.deepEqual(
          events.items.map((e) => e.action),
          ['user.enabled', 'user.disabled', 'user.password_set', 'user.created'],
        );
      });

      it('deletes a user once: a repeat is 404; concurrent deletes are one 204 and one 404', async () => {
        const u = await user();
        // Even a company's only admin can be deleted: a person who leaves must be able to leave.
        const sole = await company('Sole admin Co');
        await call('POST', `/companies/${sole.id}/members`, { user_id: u.id, role: 'admin' });
        assert.equal((await call('DELETE', `/users/${u.id}`)).statusCode, 204);
        assert.deepEqual((await call('GET', `/companies/${sole.id}/members`)).json().items, []);
        const again = await call('DELETE', `/users/${u.id}`);
        assert.equal(again.statusCode, 404);
        assert.equal(again.json().error, 'not_found');
        const v = await user();
        const both = await Promise.all([call('DELETE', `/users/${v.id}`), call('DELETE', `/users/${v.id}`)]);
        assert.deepEqual(both.map((r) => r.statusCode).sort(), [204, 404]);
      });
    });

    describe('memberships', () => {
      it('adds, changes roles, removes; never the last admin (409); unknown ids are 404', async () => {
        const c = await company('Members Co');
        const [x, y] = [await user(), await user()];
        const added = await call('POST', `/companies/${c.id}/members`, { user_id: x.id, role: 'admin' });
        assert.equal(added.statusCode, 201, added.body);
        assert.equal(added.json().role, 'admin');
        const twice = await call('POST', `/companies/${c.id}/members`, { user_id: x.id, role: 'member' });
        assert.equal(twice.statusCode, 409);
        const demoteLast = await call('PATCH', `/companies/${c.id}/members/${x.id}`, { role: 'member' });
        assert.equal(demoteLast.statusCode, 409, demoteLast.body);
        assert.match(demoteLast.json().error_description, /last admin/);
        const removeLast = await call('DELETE', `/companies/${c.id}/members/${x.id}`);
        assert.equal(removeLast.statusCode, 409);
        await call('POST', `/companies/${c.id}/members`, { user_id: y.id, role: 'member' });
        const promoted = await call('PATCH', `/companies/${c.id}/members/${y.id}`, { role: 'admin' });
        assert.equal(promoted.json().role, 'admin');
        assert.equal((await call('DELETE', `/companies/${c.id}/members/${x.id}`)).statusCode, 204);
        assert.equal((await call('DELETE', `/companies/${c.id}/members/${x.id}`)).statusCode, 404);
        const listed = (await call('GET', `/companies/${c.id}/members`)).json();
        assert.deepEqual(
          listed.items.map((m: { user_id: string; role: string }) => [m.user_id, m.role]),
          [[y.id, 'admin']],
        );
        const badRole = await call('PATCH', `/companies/${c.id}/members/${y.id}`, { role: 'owner' });
        assert.equal(badRole.statusCode, 400);
        assert.ok('role' in badRole.json().fields);
        for (const [method, url, payload] of [
          ['POST', `/companies/${c.id}/members`, { user_id: 'usr_nosuchuser0000', role: 'member' }],
          ['POST', '/companies/co_nosuchcompany00/members', { user_id: y.id, role: 'member' }],
          ['PATCH', `/companies/${c.id}/members/usr_nosuchuser0000`, { role: 'member' }],
          ['GET', '/companies/co_nosuchcompany00/members', undefined],
        ] as const) {
          const res = await call(method, url, payload);
          assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
        }
        const audit = await t.gh.audit.list(c.id);
        assert.ok(audit.items.some((e) => e.action === 'membership.removed'));
        assert.ok(audit.items.some((e) => e.action === 'membership.role_changed'));
      });
    });

    describe('deleting a company', () => {
      it('is refused while others rely on its partner apps, unless forced; revokes, notifies, keeps the audit log', async () => {
        const vendor = await company('Vendor');
        // A customer grants the vendor's app.
        const customer = await company('Customer');
        const { endpoint: customerHook } = await t.gh.webhooks.create(
          { companyId: customer.id, url: 'http://127.0.0.1:9/hook', events: ['*'] },
          'test',
        );
        const { app, grant: customerGrant } = await grantedPartnerApp(
          t.gh,
          vendor.id,
          customer.id,
          'Vendor sync',
        );
        const { secret: vendorKey } = await t.gh.adminKeys.create({ companyId: vendor.id }, 'test');
        const refused = await call('DELETE', `/companies/${vendor.id}`);
        assert.equal(refused.statusCode, 409, refused.body);
        assert.match(refused.json().error_description, /Vendor sync/);
        assert.match(refused.json().error_description, new RegExp(app.clientId));
        assert.ok(await t.gh.companies.getCompany(vendor.id), 'nothing was deleted');

        const head = (await t.gh.storage.revocationsSince(0, 100_000)).at(-1)?.seq ?? 0;
        const forced = await call('DELETE', `/companies/${vendor.id}?force=true`);
        assert.equal(forced.statusCode, 204, forced.body);
        assert.equal((await call('GET', `/companies/${vendor.id}`)).statusCode, 404);
        const keyAfter = await call('GET', '/company', undefined, { authorization: `Bearer ${vendorKey}` });
        assert.equal(keyAfter.statusCode, 401, 'its admin keys are gone');
        assert.equal(await t.gh.storage.getAppById(app.id), undefined);
        assert.equal(await t.gh.storage.getGrantByGuid(customerGrant.guid), undefined);
        const fed = await t.gh.storage.revocationsSince(head);
        assert.ok(
          fed.some((e) => e.kind === 'client'),
          'every token of its apps is revoked',
        );
        const deliveries = (await t.gh.webhooks.deliveries(customer.id)).items;
        assert.ok(
          deliveries.some((d) => d.endpointId === customerHook.id && d.eventType === 'app.deleted'),
          'the customer hears its vendor app is gone',
        );
        const kept = await t.gh.audit.list(vendor.id);
        assert.ok(kept.items.length > 0);
        assert.ok(kept.items.every((e) => e.companyDeleted === true));
        assert.equal(kept.items[0]?.action, 'company.deleted');
        assert.equal((await call('DELETE', `/companies/${vendor.id}?force=true`)).statusCode, 404);
      });

      it('a company that granted a partner app: authorization.revoked reaches the partner', async () => {
        const partner = await company('Partner');
        await t.gh.webhooks.create(
          { companyId: partner.id, url: 'http://127.0.0.1:9/p', events: ['*'] },
          'test',
        );
        const leaving = await company('Leaving');
        const { grant } = await grantedPartnerApp(t.gh, partner.id, leaving.id, 'Partner app');
        assert.equal((await call('DELETE', `/companies/${leaving.id}`)).statusCode, 204);
        const heard = (await t.gh.webhooks.deliveries(partner.id)).items.filter(
          (d) => d.eventType === 'authorization.revoked',
        );
        assert.equal(heard.length, 1);
        assert.equal(JSON.parse(heard[0]?.payload ?? '{}').data.guid, grant.guid);
      });

      it('two deletes at once: one 204, one 404, no 500', async () => {
        const c = await company('Twice');
        await t.gh.apps.create({ companyId: c.id, name: 'Own app', scopes: ['users.read'] }, 'test');
        const results = await Promise.all([
          call('DELETE', `/companies/${c.id}`),
          call('DELETE', `/companies/${c.id}`),
        ]);
        assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 404]);
      });
    });
  });
});
