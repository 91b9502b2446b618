import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config/index.ts';
import { randomToken } from '../src/util/random.ts';
import { testServer } from './helpers.ts';

describe('housekeeper', () => {
  it('a pass prunes expired sessions and revocation entries through the node', async () => {
    const t = await testServer();
    try {
      const s = t.gh.storage;
      const session = await s.createSession({
        idHash: randomToken(),
        userId: null,
        authTime: null,
        expiresAt: new Date(Date.now() + 1000),
      });
      const counts = await t.gh.housekeeper.run(new Date(Date.now() + 7_200_000));
      assert.ok(counts && counts.sessions >= 1);
      assert.equal(await s.getSession(session.idHash, new Date()), undefined);
    } finally {
      await t.close();
    }
  });

  it('refuses a malformed interval instead of spinning', () => {
    assert.throws(
      () =>
        loadConfig({
          env: { GATEHOUSE_HOUSEKEEPING_MS: 'often' },
          overrides: { serverSecret: 'x'.repeat(32) },
        }),
      /GATEHOUSE_HOUSEKEEPING_MS/,
    );
  });
});
