import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { newId } from '../../../src/util/random.ts';
import type { SuiteContext } from '../suite-context.ts';

export function signingKeyTests({ it }: SuiteContext): void {
  describe('signing keys', () => {
    it(
      'inserts, lists and retires keys',
      ['insertSigningKey', 'listSigningKeys', 'retireSigningKey'],
      async (s) => {
        const kid = newId('kid');
        await s.insertSigningKey({
          kid,
          alg: 'RS256',
          publicJwk: '{"kty":"RSA"}',
          privateJwkEncrypted: 'eyJ.sealed',
          status: 'active',
        });
        const listed = (await s.listSigningKeys()).find((k) => k.kid === kid);
        assert.equal(listed?.alg, 'RS256');
        assert.equal(listed?.status, 'active');
        assert.equal(listed?.publicJwk, '{"kty":"RSA"}');
        assert.equal(listed?.privateJwkEncrypted, 'eyJ.sealed');
        assert.equal(listed?.retiredAt, null);
        await s.retireSigningKey(kid);
        const retired = (await s.listSigningKeys()).find((k) => k.kid === kid);
        assert.equal(retired?.status, 'retired');
        assert.ok(retired?.retiredAt instanceof Date);
      },
    );

    it('refuses a duplicate kid', ['insertSigningKey'], async (s) => {
      const key = {
        kid: newId('kid'),
        alg: 'ES256' as const,
        publicJwk: '{}',
        privateJwkEncrypted: 'x',
        status: 'active' as const,
      };
      await s.insertSigningKey(key);
      await assert.rejects(s.insertSigningKey(key));
    });
  });
}
