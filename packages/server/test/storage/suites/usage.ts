import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { newApp, newCompany, newGrant } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function usageTests({ it }: SuiteContext): void {
  describe('last-used stamps of grants', () => {
    it(
      'touchGrants stamps each grant with its own time; unknown ids and empty batches are harmless',
      ['touchGrants', 'getGrantByGuid'],
      async (s) => {
        const [vendor, customer] = [await newCompany(s), await newCompany(s)];
        const { app } = await newApp(s, vendor.id);
        const g = await newGrant(s, app.id, customer.id);
        assert.equal(g.lastUsedAt, null);
        await s.touchGrants(
          new Map([
            [g.id, new Date(1_700_000_000_123)],
            ['grt_missing', new Date(1)],
          ]),
        );
        await s.touchGrants(new Map());
        assert.equal((await s.getGrantByGuid(g.guid))?.lastUsedAt?.getTime(), 1_700_000_000_123);
      },
    );
  });
}
