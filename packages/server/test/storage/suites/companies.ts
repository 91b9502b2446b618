import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { newId } from '../../../src/util/random.ts';
import { newCompany, unencodableData } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function companyTests({ it }: SuiteContext): void {
  describe('companies', () => {
    it('creates, gets and lists companies', ['createCompany', 'getCompany', 'listCompanies'], async (s) => {
      const created = await s.createCompany({ id: newId('co'), name: 'Globex', plan: 'pro' });
      assert.ok(created.createdAt instanceof Date);
      assert.deepEqual(await s.getCompany(created.id), created);
      assert.ok((await s.listCompanies()).some((c) => c.id === created.id && c.plan === 'pro'));
      assert.equal(await s.getCompany(newId('co')), undefined);
    });

    it('refuses a duplicate id', ['createCompany'], async (s) => {
      const c = await newCompany(s);
      await assert.rejects(s.createCompany({ id: c.id, name: 'Again', plan: 'free' }));
      assert.equal((await s.getCompany(c.id))?.name, 'Acme');
    });

    it(
      'writes the audit event in the same transaction, and rolls the change back when it fails',
      ['createCompany', 'listAuditEvents'],
      async (s) => {
        const id = newId('co');
        const audit = { companyId: id, actor: 'cli', action: 'company.created', target: `company:${id}` };
        await s.createCompany({ id, name: 'Audited', plan: 'free' }, { audit: { ...audit, data: { a: 1 } } });
        const page = await s.listAuditEvents(id);
        assert.deepEqual(
          page.items.map((e) => [e.action, e.data]),
          [['company.created', { a: 1 }]],
        );

        const failing = newId('co');
        await assert.rejects(
          s.createCompany(
            { id: failing, name: 'Rolled back', plan: 'free' },
            { audit: { ...audit, companyId: failing, data: unencodableData() } },
          ),
        );
        assert.equal(await s.getCompany(failing), undefined);
        assert.deepEqual((await s.listAuditEvents(failing)).items, []);
      },
    );
  });

  describe('users and memberships', () => {
    it(
      'creates users and finds them by email case-insensitively',
      ['createUser', 'getUser', 'getUserByEmail'],
      async (s) => {
        const email = `Ada.${newId('u')}@Example.COM`;
        const user = await s.createUser({ id: newId('usr'), email, name: 'Ada', passwordHash: 'scrypt$x' });
        assert.deepEqual(await s.getUser(user.id), user);
        assert.deepEqual(await s.getUserByEmail(email.toLowerCase()), user);
        assert.deepEqual(await s.getUserByEmail(email.toUpperCase()), user);
        assert.equal(
          (await s.getUserByEmail(email.toLowerCase()))?.email,
          email,
          'keeps the address as typed',
        );
        assert.equal(await s.getUserByEmail(`nobody.${newId('u')}@example.com`), undefined);
        assert.equal(await s.getUser(newId('usr')), undefined);
      },
    );

    it('refuses a second user whose email differs only in case', ['createUser'], async (s) => {
      const email = `grace.${newId('u')}@example.com`;
      await s.createUser({ id: newId('usr'), email, name: 'Grace', passwordHash: null });
      await assert.rejects(
        s.createUser({ id: newId('usr'), email: email.toUpperCase(), name: 'Grace 2', passwordHash: null }),
      );
    });

    it(
      'adds a membership, changes its role in place, and scopes lookups by company',
      ['putMembership', 'getMembership', 'listMembershipsOfUser', 'listMembersOfCompany'],
      async (s) => {
        const [a, b] = [await newCompany(s), await newCompany(s)];
        const user = await s.createUser({
          id: newId('usr'),
          email: `m.${newId('u')}@example.com`,
          name: 'M',
          passwordHash: null,
        });
        const first = await s.putMembership(user.id, a.id, 'member');
        assert.equal(first.role, 'member');
        const changed = await s.putMembership(user.id, a.id, 'admin', {
          audit: {
            companyId: a.id,
            actor: 'cli',
            action: 'membership.set',
            target: `user:${user.id}`,
            data: {},
          },
        });
        assert.equal(changed.role, 'admin');
        assert.equal(changed.createdAt.getTime(), first.createdAt.getTime(), 'same membership, new role');
        assert.equal((await s.getMembership(user.id, a.id))?.role, 'admin');
        assert.equal(await s.getMembership(user.id, b.id), undefined);
        await s.putMembership(user.id, b.id, 'member');
        assert.deepEqual(
          (await s.listMembershipsOfUser(user.id)).map((m) => [m.companyId, m.role]).sort(),
          [
            [a.id, 'admin'],
            [b.id, 'member'],
          ].sort(),
        );
        assert.deepEqual(
          (await s.listMembersOfCompany(a.id)).map((m) => m.userId),
          [user.id],
        );
        assert.equal((await s.listAuditEvents(a.id, { action: 'membership.set' })).items.length, 1);
      },
    );

    it('refuses a membership for a user or company that does not exist', ['putMembership'], async (s) => {
      const c = await newCompany(s);
      await assert.rejects(s.putMembership(newId('usr'), c.id, 'member'));
    });
  });
}
