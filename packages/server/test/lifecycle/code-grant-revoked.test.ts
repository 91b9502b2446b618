import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/util/hash.ts';
import { type TestServer, testServer } from '../helpers.ts';
import { forDialects, type TestDatabase, withTestPostgres } from '../pg.ts';
import { approvedCode, type Creds, exchangeCode, partnerApp } from './helpers.ts';

/**
 * A code whose grant is revoked before the exchange (an admin removed the app on Connected
 * Apps between the consent and the partner's callback): the exchange is refused, nothing is
 * issued, and the code is not spent, so a retry after a new consent is not a replay.
 */
await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`the code exchange after its grant was revoked (${dialect})`, { skip }, () => {
    let t: TestServer;
    let db: TestDatabase | undefined;
    let app: Creds;

    before(async () => {
      db = dialect === 'postgres' ? await withTestPostgres() : undefined;
      t = await testServer({ config: db ? { databaseUrl: db.url } : {} });
      app = await partnerApp(t);
    });
    after(async () => {
      await t?.close();
      await db?.cleanup();
    });

    it('is invalid_grant naming the grant, issues nothing and leaves the code unspent', async () => {
      const approved = await approvedCode(t, app);
      const grant = await t.gh.storage.getActiveGrant(app.appId, t.companyId);
      assert.ok(grant);
      await t.gh.grants.revoke(t.companyId, grant.id, 'user:test');
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await exchangeCode(t, app, approved);
        assert.equal(res.statusCode, 400, res.body);
        assert.deepEqual(res.json(), {
          error: 'invalid_grant',
          error_description: 'the grant behind this authorization code was revoked',
        });
      }
      const code = await t.gh.storage.getAuthorizationCode(sha256(approved.code));
      assert.equal(code?.consumedAt, null, 'the code is not spent');
      assert.equal(code?.familyId, null, 'no token family was created');
    });
  });
});
