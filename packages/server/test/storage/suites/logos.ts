import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { solidPng } from '../../fixtures/images.ts';
import { newCompany } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function logoTests({ it }: SuiteContext): void {
  describe('app logos', () => {
    it(
      'stores, reads back byte for byte, and deletes only within the company',
      ['putAppLogo', 'getAppLogo', 'deleteAppLogo'],
      async (s) => {
        const co = await newCompany(s);
        const other = await newCompany(s, 'Other');
        const bytes = new Uint8Array(solidPng(16, 16));
        const stored = await s.putAppLogo({
          id: `logo_${co.id}`,
          companyId: co.id,
          contentType: 'image/png',
          bytes,
          sha256: 'abc',
          width: 16,
          height: 16,
        });
        assert.ok(stored.createdAt instanceof Date);
        const back = await s.getAppLogo(stored.id);
        assert.ok(back);
        assert.equal(back.contentType, 'image/png');
        assert.equal(back.width, 16);
        assert.equal(back.companyId, co.id);
        assert.deepEqual(Buffer.from(back.bytes), Buffer.from(bytes));
        assert.equal(await s.deleteAppLogo(other.id, stored.id), false, 'another company cannot delete it');
        assert.ok(await s.getAppLogo(stored.id));
        assert.equal(await s.deleteAppLogo(co.id, stored.id), true);
        assert.equal(await s.getAppLogo(stored.id), undefined);
        assert.equal(await s.deleteAppLogo(co.id, stored.id), false);
      },
    );
  });
}
