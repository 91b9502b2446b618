import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { InvalidCursor, type Storage } from '../../../src/storage/storage.ts';
import { newCompany } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function auditTests({ it }: SuiteContext): void {
  describe('audit events', () => {
    async function seeded(s: Storage, n: number) {
      const co = await newCompany(s);
      for (let i = 0; i < n; i++) {
        await s.appendAuditEvent({
          companyId: co.id,
          actor: 'cli',
          action: i % 2 === 0 ? 'app.created' : 'app.deleted',
          target: `app:${i % 3}`,
          data: { i },
        });
      }
      return co;
    }

    it(
      'appends and lists newest first with the data intact',
      ['appendAuditEvent', 'listAuditEvents'],
      async (s) => {
        const co = await seeded(s, 3);
        const ev = await s.appendAuditEvent({
          companyId: co.id,
          actor: 'user:u1',
          action: 'grant.revoked',
          target: 'grant:g1',
          data: { nested: { ok: true }, list: [1, 'two'] },
        });
        assert.ok(ev.id.length > 0);
        const page = await s.listAuditEvents(co.id);
        assert.deepEqual(
          page.items.map((e) => e.data.i ?? 'last'),
          ['last', 2, 1, 0],
        );
        assert.deepEqual(page.items[0], ev);
        assert.equal(page.next, null);
      },
    );

    it(
      'filters by action and target, and keeps other companies and global events out',
      ['appendAuditEvent', 'listAuditEvents'],
      async (s) => {
        const co = await seeded(s, 6);
        await s.appendAuditEvent({
          companyId: null,
          actor: 'system',
          action: 'app.created',
          target: null,
          data: {},
        });
        const other = await newCompany(s);
        await s.appendAuditEvent({
          companyId: other.id,
          actor: 'cli',
          action: 'app.created',
          target: 'app:0',
          data: {},
        });
        const created = await s.listAuditEvents(co.id, { action: 'app.created' });
        assert.deepEqual(
          created.items.map((e) => e.data.i),
          [4, 2, 0],
        );
        const app0 = await s.listAuditEvents(co.id, { target: 'app:0' });
        assert.deepEqual(
          app0.items.map((e) => e.data.i),
          [3, 0],
        );
        const both = await s.listAuditEvents(co.id, { action: 'app.deleted', target: 'app:0' });
        assert.deepEqual(
          both.items.map((e) => e.data.i),
          [3],
        );
      },
    );

    it('pages with a cursor, without gaps or repeats', ['listAuditEvents'], async (s) => {
      const co = await seeded(s, 7);
      const seen: unknown[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await s.listAuditEvents(co.id, { limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((e) => e.data.i));
        cursor = page.next ?? undefined;
        pages++;
      } while (cursor);
      assert.deepEqual(seen, [6, 5, 4, 3, 2, 1, 0]);
      assert.equal(pages, 3);
    });

    it('refuses a cursor it did not make', ['listAuditEvents'], async (s) => {
      const co = await seeded(s, 1);
      const forged = [
        'not a cursor',
        "1' OR '1'='1",
        Buffer.from('v2:5').toString('base64url'),
        Buffer.from('v1:-1').toString('base64url'),
        Buffer.from('v1:1e9').toString('base64url'),
        '',
      ];
      for (const cursor of forged) {
        await assert.rejects(
          s.listAuditEvents(co.id, { cursor }),
          InvalidCursor,
          `cursor ${JSON.stringify(cursor)}`,
        );
      }
    });
  });
}
