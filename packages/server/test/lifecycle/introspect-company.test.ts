import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, testServer } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import {
  type Creds,
  clientCredentialsToken,
  companyGrantPartner,
  delegatedTokens,
  ENTITY,
  introspect,
  PARTNER_SCOPES,
  partnerApp,
  post,
  recordGrant,
} from './helpers.ts';

const GRANTED = ['users.read', 'v1_access', `target-entity:${ENTITY}:employees-read`];

async function introspectFor(t: TestServer, creds: Creds, token: string, companyGuid: string) {
  const res = await post(t, '/oauth2/introspect', creds, { token, company_guid: companyGuid });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`introspection with company_guid answers the grant-bound scope (${dialect})`, {
    skip: skip || false,
  }, () => {
    let db: TestDatabase | undefined;
    let t: TestServer;
    let rs: TestServer;
    let rsCreds: Creds;
    let partner: Creds;
    let other: Creds;
    let second: string;
    const grants = { narrow: crypto.randomUUID(), others: crypto.randomUUID() };

    before(async () => {
      if (dialect === 'postgres') db = await withTestPostgres();
      t = await testServer({ config: db ? { databaseUrl: db.url } : {} });
      second = (await t.gh.companies.createCompany({ name: 'Bistro Two' }, 'test')).id;
      partner = await companyGrantPartner(t, { name: 'Partner' });
      other = await companyGrantPartner(t, { name: 'Other partner' });
      // What a company admin's consent records: the partner gets fewer scopes than it holds.
      await recordGrant(t, {
        id: 'gr_narrow',
        guid: grants.narrow,
        app: partner,
        companyId: second,
        scopes: GRANTED,
      });
      await recordGrant(t, {
        id: 'gr_others',
        guid: grants.others,
        app: other,
        companyId: second,
        scopes: PARTNER_SCOPES,
      });
      rsCreds = await t.createApp({ name: 'Demo API' });
      rs = await testServer({ storage: t.gh.storage, config: { introspectionClients: [rsCreds.clientId] } });
    });
    after(async () => {
      await rs?.close();
      await t?.close();
      await db?.cleanup();
    });

    it("answers the token's scope intersected with the grant's, with the grant's company", async () => {
      const token = await clientCredentialsToken(t, partner);
      const plain = await introspect(t, partner, token);
      assert.equal(plain.scope, PARTNER_SCOPES.join(' '));
      assert.equal(plain.company_id, undefined);
      for (const [node, creds] of [
        [t, partner],
        [rs, rsCreds],
      ] as const) {
        const { status, body } = await introspectFor(node, creds, token, grants.narrow);
        assert.equal(status, 200);
        assert.equal(body.active, true);
        // Parameterized scopes intersect by entity and permission.
        assert.equal(body.scope, `target-entity:${ENTITY}:employees-read users.read v1_access`);
        assert.equal(body.company_id, second);
        assert.equal(body.grant_guid, grants.narrow);
        assert.equal(body.gid, 'gr_narrow');
        assert.equal(body.client_id, partner.clientId);
      }
    });

    it("an unknown GUID, another app's grant or a revoked grant is active: false", async () => {
      const token = await clientCredentialsToken(t, partner);
      for (const guid of [crypto.randomUUID(), grants.others]) {
        assert.deepEqual(await introspectFor(rs, rsCreds, token, guid), {
          status: 200,
          body: { active: false },
        });
        assert.deepEqual(await introspectFor(t, partner, token, guid), {
          status: 200,
          body: { active: false },
        });
      }
      const otherToken = await clientCredentialsToken(t, other);
      assert.equal((await introspectFor(rs, rsCreds, otherToken, grants.others)).body.active, true);
      await t.gh.grants.revoke(second, 'gr_others', 'test');
      assert.deepEqual(await introspectFor(rs, rsCreds, otherToken, grants.others), {
        status: 200,
        body: { active: false },
      });
    });

    it('a token bound to one company is inactive for a grant of another', async () => {
      const delegated = await partnerApp(t, { name: 'Delegated', scopes: ['users.read', 'v1_access'] });
      const tokens = await delegatedTokens(t, delegated);
      const guid = crypto.randomUUID();
      await recordGrant(t, {
        id: 'gr_delegated_second',
        guid,
        app: delegated,
        companyId: second,
        scopes: ['users.read'],
      });
      assert.deepEqual(await introspectFor(rs, rsCreds, tokens.access_token, guid), {
        status: 200,
        body: { active: false },
      });
      // Its own company's grant: the same answer as without company_guid.
      const own = await t.gh.storage.getActiveGrant(delegated.appId, t.companyId);
      const mine = await introspectFor(rs, rsCreds, tokens.access_token, own?.guid as string);
      assert.equal(mine.body.active, true);
      assert.equal(mine.body.company_id, t.companyId);
      assert.equal(mine.body.scope, (await introspect(rs, rsCreds, tokens.access_token)).scope);
    });

    it('a company_guid that cannot be a GUID is 400 invalid_request', async () => {
      const token = await clientCredentialsToken(t, partner);
      for (const bad of ['../x', 'a b', 'x'.repeat(101), 'é']) {
        const res = await introspectFor(rs, rsCreds, token, bad);
        assert.equal(res.status, 400, bad);
        assert.equal(res.body.error, 'invalid_request');
      }
    });
  });
});
