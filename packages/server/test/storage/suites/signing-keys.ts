import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { signingKeyRecord } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

export function signingKeyTests({ it }: SuiteContext): void {
  describe('signing keys', () => {
    it(
      'inserts, lists and retires keys',
      ['insertSigningKey', 'listSigningKeys', 'retireSigningKey'],
      async (s) => {
        const key = signingKeyRecord({
          alg: 'RS256',
          publicJwk: '{"kty":"RSA"}',
          privateJwkEncrypted: 'eyJ.sealed',
        });
        await s.insertSigningKey(key);
        const { kid } = key;
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
      const key = signingKeyRecord();
      await s.insertSigningKey(key);
      await assert.rejects(s.insertSigningKey(key));
    });
  });
}
