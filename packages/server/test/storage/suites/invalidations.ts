import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Storage } from '../../../src/storage/storage.ts';
import { newId } from '../../../src/util/random.ts';
import { newApp, newCompany, secretRecord, signingKeyRecord } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function invalidationTests({ it }: SuiteContext): void {
  describe('cache invalidations', () => {
    /** Keys written since `seq`, in order. */
    async function keysSince(s: Storage, seq: number): Promise<string[]> {
      return (await s.invalidationsSince(seq)).map((i) => i.key);
    }

    it(
      'every mutation of cached state writes its key',
      ['latestInvalidationSeq', 'invalidationsSince'],
      async (s) => {
        const [vendor, customer] = [await newCompany(s), await newCompany(s)];
        let seq = await s.latestInvalidationSeq();

        const { app } = await newApp(s, vendor.id);
        assert.deepEqual(await keysSince(s, seq), [`client:${app.clientId}`], 'createApp');
        seq = await s.latestInvalidationSeq();

        await s.rotateAppSecret(vendor.id, app.id, secretRecord(), new Date());
        assert.deepEqual(await keysSince(s, seq), [`client:${app.clientId}`], 'rotateAppSecret');
        seq = await s.latestInvalidationSeq();

        const base = { appId: app.id, companyId: customer.id, grantedBy: null };
        const g = await s.upsertGrant({ ...base, id: newId('grt'), guid: newId('g'), scopes: ['a'] });
        await s.upsertGrant({ ...base, id: newId('grt'), guid: newId('g'), scopes: ['a', 'b'] });
        assert.deepEqual(
          await keysSince(s, seq),
          [`grant:${g.guid}`],
          'upsertGrant (a change, not a creation)',
        );
        seq = await s.latestInvalidationSeq();

        await s.revokeGrant(customer.id, g.id);
        // A revocation also wakes every node's revocation feed.
        assert.deepEqual(
          (await keysSince(s, seq)).sort(),
          [`grant:${g.guid}`, 'revocations'].sort(),
          'revokeGrant',
        );
        const g2 = await s.upsertGrant({ ...base, id: newId('grt'), guid: newId('g'), scopes: ['a'] });
        seq = await s.latestInvalidationSeq();

        await s.deleteApp(vendor.id, app.id);
        assert.deepEqual(
          (await keysSince(s, seq)).sort(),
          [`client:${app.clientId}`, `grant:${g2.guid}`, 'revocations'].sort(),
          'deleteApp',
        );
        seq = await s.latestInvalidationSeq();

        // A pending key of an algorithm no other test uses here, switched, then its
        // predecessor removed: each change tells every node's key cache.
        const at = new Date();
        const old = signingKeyRecord({ alg: 'EdDSA', createdAt: at, activatesAt: at });
        const next = signingKeyRecord({ alg: 'EdDSA', status: 'next', createdAt: at, activatesAt: at });
        await s.insertSigningKey(old);
        await s.insertSigningKey(next, { replacePending: true });
        await s.activateSigningKey(next.kid, at);
        await s.deleteRetiredSigningKey(old.kid, at);
        assert.deepEqual(await keysSince(s, seq), ['keys', 'keys', 'keys', 'keys'], 'signing keys');
      },
    );

    it(
      'reads in order with a limit, reports the latest seq, and prunes old rows',
      ['latestInvalidationSeq', 'invalidationsSince', 'pruneInvalidations'],
      async (s) => {
        const co = await newCompany(s);
        const start = await s.latestInvalidationSeq();
        const apps = [];
        for (let i = 0; i < 3; i++) apps.push((await newApp(s, co.id)).app);
        const all = await s.invalidationsSince(start);
        assert.deepEqual(
          all.map((i) => i.key),
          apps.map((a) => `client:${a.clientId}`),
        );
        assert.ok(all.every((inv, i) => i === 0 || inv.seq > (all[i - 1]?.seq ?? 0)));
        assert.equal(await s.latestInvalidationSeq(), all.at(-1)?.seq);
        assert.deepEqual(
          (await s.invalidationsSince(start, 2)).map((i) => i.seq),
          all.slice(0, 2).map((i) => i.seq),
        );
        await s.pruneInvalidations(new Date(Date.now() - 3_600_000));
        assert.equal((await s.invalidationsSince(start)).length, 3, 'recent rows survive');
        await s.pruneInvalidations(new Date(Date.now() + 1000));
        assert.deepEqual(await s.invalidationsSince(start), []);
      },
    );
  });
}
