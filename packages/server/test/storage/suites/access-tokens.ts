import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { revocationHash } from '../../../src/tokens/revocation-keys.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { newApp, newCompany } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function accessTokenTests({ it }: SuiteContext): void {
  describe('opaque access tokens and single-token revocation', () => {
    it(
      'stores an opaque token by hash and reads its claims back',
      ['createOpaqueAccessToken', 'getOpaqueAccessToken'],
      async (s) => {
        const company = await newCompany(s, 'Opaque Co');
        const { app } = await newApp(s, company.id, {});
        const token = {
          tokenHash: sha256(`gtht_${newId('x')}`),
          jti: newId('at', 22),
          appId: app.id,
          clientId: app.clientId,
          subject: 'usr_1',
          scopes: ['users.read', 'users.write'],
          companyId: company.id,
          grantId: 'gr_1',
          familyId: null,
          issuedAt: new Date(1_700_000_000_000),
          expiresAt: new Date(1_700_003_600_000),
          dpopJkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
          audience: 'https://api.example.com/payroll',
          // Token exchange (RFC 8693 4.1): the actor, with the chain before it.
          act: { sub: 'cl_gateway', act: { sub: 'cl_frontend' } },
        };
        await s.createOpaqueAccessToken(token);
        assert.deepEqual(await s.getOpaqueAccessToken(token.tokenHash), token);
        assert.equal(await s.getOpaqueAccessToken(sha256('gtht_other')), undefined);
      },
    );

    it(
      'revokes a jti once, with one feed entry, even when two callers race',
      ['revokeAccessToken', 'isAccessTokenRevoked', 'revocationsSince'],
      async (s) => {
        const jti = newId('at', 22);
        const expiresAt = new Date(Date.now() + 3_600_000);
        const head = (await s.revocationsSince(0, 5000)).at(-1)?.seq ?? 0;
        const results = await Promise.all([
          s.revokeAccessToken(jti, expiresAt),
          s.revokeAccessToken(jti, expiresAt),
        ]);
        assert.deepEqual(results.sort(), [false, true]);
        assert.equal(await s.isAccessTokenRevoked(jti), true);
        const entries = (await s.revocationsSince(head)).filter((e) => e.hash === revocationHash('jti', jti));
        assert.equal(entries.length, 1);
        assert.equal(entries[0]?.kind, 'jti');
        assert.equal(await s.revokeAccessToken(jti, expiresAt), false);
      },
    );

    it(
      'records a DPoP proof once: of two racing callers one wins, a replay loses',
      ['useDpopProof'],
      async (s) => {
        const proof = sha256(`jkt.${newId('jti')}`);
        const expiresAt = new Date(Date.now() + 360_000);
        const results = await Promise.all([
          s.useDpopProof(proof, expiresAt),
          s.useDpopProof(proof, expiresAt),
        ]);
        assert.deepEqual(results.sort(), [false, true]);
        assert.equal(await s.useDpopProof(proof, expiresAt), false);
        assert.equal(await s.useDpopProof(sha256(`jkt.${newId('jti')}`), expiresAt), true);
      },
    );
  });
}
