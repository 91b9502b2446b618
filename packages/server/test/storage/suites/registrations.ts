import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { NewInitialAccessToken, Storage } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { newSecret } from '../../../src/util/secrets.ts';
import { appRecord, newCompany, secretRecord } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

/** Dynamic client registration (RFC 7591, 7592): initial access tokens and registered apps. */
export function registrationTests({ it }: SuiteContext): void {
  describe('dynamic registration', () => {
    async function iat(s: Storage, companyId: string, overrides: Partial<NewInitialAccessToken> = {}) {
      const raw = newSecret('initialAccessToken');
      const t = await s.createInitialAccessToken(
        {
          id: newId('iat'),
          companyId,
          name: 'partner onboarding',
          tokenHash: sha256(raw),
          last4: raw.slice(-4),
          allowedGrantTypes: ['client_credentials'],
          allowedScopes: ['users.read'],
          redirectUriPatterns: ['https://app.example/*'],
          maxApps: null,
          expiresAt: new Date(Date.now() + 3_600_000),
          createdBy: 'cli',
          ...overrides,
        },
        {
          audit: {
            companyId,
            actor: 'cli',
            action: 'initial_access_token.created',
            target: 'initial_access_token:x',
            data: {},
          },
        },
      );
      return { raw, t };
    }

    it(
      'creates, finds by hash, lists per company and revokes once',
      [
        'createInitialAccessToken',
        'findInitialAccessTokenByHash',
        'getInitialAccessToken',
        'getInitialAccessTokenById',
        'listInitialAccessTokens',
        'revokeInitialAccessToken',
      ],
      async (s) => {
        const [a, b] = [await newCompany(s, 'A'), await newCompany(s, 'B')];
        const { raw, t } = await iat(s, a.id);
        const { t: other } = await iat(s, b.id, { allowedScopes: null, redirectUriPatterns: null });
        assert.equal(t.uses, 0);
        assert.deepEqual(await s.findInitialAccessTokenByHash(sha256(raw)), t);
        assert.deepEqual(await s.getInitialAccessToken(a.id, t.id), t);
        assert.equal(await s.getInitialAccessToken(b.id, t.id), undefined, 'another company’s');
        assert.deepEqual(await s.getInitialAccessTokenById(other.id), other);
        assert.equal((await s.getInitialAccessTokenById(other.id))?.allowedScopes, null);
        assert.deepEqual(
          (await s.listInitialAccessTokens(a.id)).map((x) => x.id),
          [t.id],
        );
        assert.equal(
          (await s.listAuditEvents(a.id, { action: 'initial_access_token.created' })).items.length,
          1,
        );
        assert.equal(await s.revokeInitialAccessToken(a.id, other.id), false, 'another company’s');
        assert.equal(await s.revokeInitialAccessToken(a.id, t.id), true);
        assert.equal(await s.revokeInitialAccessToken(a.id, t.id), false, 'already revoked');
        assert.ok((await s.findInitialAccessTokenByHash(sha256(raw)))?.revokedAt instanceof Date);
      },
    );

    it(
      'claims uses up to max_apps, never past it under concurrency; expired and revoked ones claim nothing',
      ['claimInitialAccessTokenUse', 'releaseInitialAccessTokenUse'],
      async (s) => {
        const co = await newCompany(s);
        const { t } = await iat(s, co.id, { maxApps: 3 });
        const results = await Promise.all(
          Array.from({ length: 8 }, () => s.claimInitialAccessTokenUse(t.id)),
        );
        assert.equal(results.filter(Boolean).length, 3);
        assert.equal((await s.getInitialAccessToken(co.id, t.id))?.uses, 3);
        await s.releaseInitialAccessTokenUse(t.id);
        assert.equal(await s.claimInitialAccessTokenUse(t.id), true, 'a released use can be claimed again');
        assert.equal(await s.claimInitialAccessTokenUse(t.id), false);
        const { t: unlimited } = await iat(s, co.id);
        assert.equal(await s.claimInitialAccessTokenUse(unlimited.id), true);
        assert.equal(
          await s.claimInitialAccessTokenUse(unlimited.id, new Date(Date.now() + 7_200_000)),
          false,
          'expired',
        );
        await s.revokeInitialAccessToken(co.id, unlimited.id);
        assert.equal(await s.claimInitialAccessTokenUse(unlimited.id), false, 'revoked');
        const { t: fresh } = await iat(s, co.id);
        await s.releaseInitialAccessTokenUse(fresh.id);
        assert.equal((await s.getInitialAccessToken(co.id, fresh.id))?.uses, 0, 'never below 0');
      },
    );

    it(
      'keeps a registered app’s mark, finds it by its registration token and rotates that token once',
      ['findAppByRegistrationToken', 'rotateRegistrationToken'],
      async (s) => {
        const co = await newCompany(s);
        const { t } = await iat(s, co.id);
        const rat = newSecret('registrationAccessToken');
        const created = await s.createApp(
          { ...appRecord(co.id), initialAccessTokenId: t.id, registrationTokenHash: sha256(rat) },
          secretRecord(),
        );
        assert.equal(created.initialAccessTokenId, t.id);
        const found = await s.findAppByRegistrationToken(sha256(rat));
        assert.equal(found?.id, created.id);
        assert.equal(found?.initialAccessTokenId, t.id);
        assert.equal(await s.findAppByRegistrationToken(sha256(`${rat}x`)), undefined);
        const [next1, next2] = [newSecret('registrationAccessToken'), newSecret('registrationAccessToken')];
        const rotations = await Promise.all([
          s.rotateRegistrationToken(created.id, sha256(rat), sha256(next1)),
          s.rotateRegistrationToken(created.id, sha256(rat), sha256(next2)),
        ]);
        assert.deepEqual(rotations.filter(Boolean).length, 1, 'one of two concurrent rotations wins');
        const winner = rotations[0] ? next1 : next2;
        assert.equal((await s.findAppByRegistrationToken(sha256(winner)))?.id, created.id);
        assert.equal(
          await s.findAppByRegistrationToken(sha256(rat)),
          undefined,
          'the old token stops working',
        );
        const rotated = winner;
        const byHand = await s.createApp(appRecord(co.id), secretRecord());
        assert.equal(byHand.initialAccessTokenId, null);
        await s.deleteApp(co.id, created.id);
        assert.equal(await s.findAppByRegistrationToken(sha256(rotated)), undefined, 'gone with its app');
      },
    );
  });
}
