import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { type TestServer, testServer } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import {
  type Creds,
  companyGrantPartner,
  ENTITY,
  introspect,
  PARTNER_SCOPES,
  post,
  recordGrant,
} from './helpers.ts';

const GRANTED = [`target-entity:${ENTITY}:employees-read`, 'users.read', 'v1_access'];

async function token(t: TestServer, creds: Creds, form: Record<string, string>) {
  const res = await post(t, '/oauth2/token', creds, { grant_type: 'client_credentials', ...form });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`client_credentials with company_guid: a token bound to one company's grant (${dialect})`, {
    skip: skip || false,
  }, () => {
    let db: TestDatabase | undefined;
    let t: TestServer;
    let partner: Creds;
    let narrowPolicy: Creds;
    let other: Creds;
    let second: string;
    const guids = { partner: crypto.randomUUID(), narrow: crypto.randomUUID(), other: crypto.randomUUID() };

    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      t = await testServer({ config: db ? { databaseUrl: db.url } : {} });
      second = (await t.gh.companies.createCompany({ name: 'Bistro Two' }, 'test')).id;
      partner = await companyGrantPartner(t, { name: 'Partner' });
      narrowPolicy = await companyGrantPartner(t, { name: 'Narrowing partner', scopePolicy: 'narrow' });
      other = await companyGrantPartner(t, { name: 'Other partner' });
      for (const [id, guid, app] of [
        ['gr_partner', guids.partner, partner],
        ['gr_narrow', guids.narrow, narrowPolicy],
        ['gr_other', guids.other, other],
      ] as const)
        await recordGrant(t, { id, guid, app, companyId: second, scopes: GRANTED });
    });
    after(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it("carries the app's scopes AND the grant's, and company_id and gid binding it", async () => {
      const { status, body } = await token(t, partner, { company_guid: guids.partner });
      assert.equal(status, 200);
      assert.equal(body.scope, GRANTED.join(' '));
      const claims = decodeJwt(body.access_token as string);
      assert.equal(claims.scope, GRANTED.join(' '));
      assert.equal(claims.company_id, second);
      assert.equal(claims.gid, 'gr_partner');
      assert.equal(claims.client_id, partner.clientId);
      const info = await introspect(t, partner, body.access_token as string);
      assert.equal(info.active, true);
      assert.equal(info.company_id, second);
      assert.equal(info.grant_guid, guids.partner);
      // Without company_guid nothing changes: every scope of the app, no company.
      const plain = await token(t, partner, {});
      assert.equal(plain.body.scope, PARTNER_SCOPES.join(' '));
      assert.equal(decodeJwt(plain.body.access_token as string).company_id, undefined);
    });

    it('scope narrows within the grant; beyond it is invalid_scope, or cut under the narrow policy', async () => {
      const within = await token(t, partner, { company_guid: guids.partner, scope: 'users.read' });
      assert.equal(within.status, 200);
      assert.equal(within.body.scope, 'users.read');
      const entity = await token(t, partner, {
        company_guid: guids.partner,
        scope: `target-entity:${ENTITY}:employees-read,performance-evaluations-read`,
      });
      assert.equal(entity.status, 400);
      assert.equal(entity.body.error, 'invalid_scope');
      assert.match(
        entity.body.error_description as string,
        /company did not grant .*performance-evaluations-read/,
      );
      const beyond = await token(t, partner, {
        company_guid: guids.partner,
        scope: 'users.read users.delete',
      });
      assert.equal(beyond.status, 400);
      assert.equal(beyond.body.error, 'invalid_scope');
      assert.match(beyond.body.error_description as string, /company did not grant "users.delete"/);
      const cut = await token(t, narrowPolicy, {
        company_guid: guids.narrow,
        scope: 'users.read users.delete',
      });
      assert.equal(cut.status, 200);
      assert.equal(cut.body.scope, 'users.read');
    });

    it("an unknown GUID, another app's grant or a revoked one is invalid_grant; a malformed one invalid_request", async () => {
      for (const guid of [crypto.randomUUID(), guids.other]) {
        const res = await token(t, partner, { company_guid: guid });
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_grant');
      }
      for (const bad of ['a/b', 'x'.repeat(101), 'é']) {
        const res = await token(t, partner, { company_guid: bad });
        assert.equal(res.status, 400);
        assert.equal(res.body.error, 'invalid_request');
      }
      const issued = await token(t, other, { company_guid: guids.other });
      assert.equal(issued.status, 200);
      await t.gh.grants.revoke(second, 'gr_other', 'test');
      // The revoked grant's tokens are inactive, and no new one is issued for it.
      assert.deepEqual(await introspect(t, other, issued.body.access_token as string), { active: false });
      const again = await token(t, other, { company_guid: guids.other });
      assert.equal(again.body.error, 'invalid_grant');
    });
  });
});
