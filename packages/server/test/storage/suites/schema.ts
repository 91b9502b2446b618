import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { newApp, newCompany } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function schemaTests({ it }: SuiteContext): void {
  describe('schema', () => {
    it('refuses any change to an app’s scopes, even by raw SQL', ['getApp'], async (s, { raw }) => {
      const co = await newCompany(s);
      const { app } = await newApp(s, co.id, { scopes: ['users.read'] });
      await assert.rejects(
        raw.writeAppColumn(app.id, 'scopes', 'users.read admin'),
        /scopes cannot be changed/,
      );
      await assert.rejects(raw.writeAppColumn(app.id, 'scopes', ''), /scopes cannot be changed/);
      // Other columns stay writable, so the trigger is not simply blocking updates.
      await raw.writeAppColumn(app.id, 'name', 'Renamed');
      const after = await s.getApp(co.id, app.id);
      assert.equal(after?.name, 'Renamed');
      assert.deepEqual(after?.scopes, ['users.read']);
    });
  });
}
