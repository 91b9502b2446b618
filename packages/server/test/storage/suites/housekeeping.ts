import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { sha256 } from '../../../src/util/hash.ts';
import { newId, randomToken } from '../../../src/util/random.ts';
import { newEndpoint, secretRecord } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';
import { authorizationSeed } from './authorization-state.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Runs last: it prunes with a clock two hours ahead, which ends other suites' short-lived rows. */
export function housekeepingTests({ it }: SuiteContext): void {
  describe('housekeeping', () => {
    it('prunes what has expired and keeps what is alive, idempotently', ['pruneExpired'], async (s) => {
      const t0 = Date.now();
      const later = new Date(t0 + 2 * 3_600_000);
      const dead = await s.createSession({
        idHash: randomToken(),
        userId: null,
        authTime: null,
        expiresAt: new Date(t0 + 1000),
      });
      const alive = await s.createSession({
        idHash: randomToken(),
        userId: null,
        authTime: null,
        expiresAt: new Date(t0 + 30 * 86_400_000),
      });
      await s.recordRevocations([
        { kind: 'jti', hash: `dead-${randomToken(8)}`, expiresAt: new Date(t0 + 1000) },
        { kind: 'jti', hash: `alive-${randomToken(8)}`, expiresAt: new Date(t0 + 30 * 86_400_000) },
      ]);

      const counts = await s.pruneExpired(later);
      assert.ok(counts.sessions >= 1);
      assert.ok(counts.revocations >= 1);
      assert.ok(counts.invalidations >= 1, 'invalidations older than an hour go');
      assert.equal(await s.getSession(dead.idHash, new Date(t0)), undefined);
      assert.ok(await s.getSession(alive.idHash, later));
      const left = (await s.revocationsSince(0, 5000)).map((r) => r.hash);
      assert.ok(left.some((h) => h.startsWith('alive-')));
      assert.ok(!left.some((h) => h.startsWith('dead-')));

      const again = await s.pruneExpired(later);
      assert.deepEqual(
        Object.values(again),
        Object.values(again).map(() => 0),
        'a second pass finds nothing',
      );
    });

    it(
      'counts exactly what it deletes, kind by kind, and keeps each kind until its time',
      ['pruneExpired'],
      async (_s, env) => {
        const { storage: f } = await env.fresh();
        const t0 = Date.now();
        const at = (ms: number) => new Date(t0 + ms);
        const seed = await authorizationSeed(f);
        const alive = await f.createSession({
          idHash: randomToken(),
          userId: null,
          authTime: null,
          expiresAt: at(30 * DAY),
        });
        await f.createSession({ idHash: randomToken(), userId: null, authTime: null, expiresAt: at(1000) });
        const flow = {
          sessionHash: alive.idHash,
          appId: seed.appId,
          request: '{}',
          companyId: null,
          grantGuid: null,
        };
        await f.createAuthorizationFlow({ ...flow, id: newId('flow'), expiresAt: at(1000) });
        await f.createAuthorizationFlow({ ...flow, id: newId('flow'), expiresAt: at(3 * HOUR) });
        // Device authorizations (RFC 8628) stay a day past their expiry, like codes.
        await f.createDeviceAuthorization({
          id: newId('dev'),
          deviceCodeHash: sha256(randomToken()),
          userCodeHash: sha256(randomToken()),
          appId: seed.appId,
          clientId: 'device-client',
          scopes: ['a'],
          intervalSeconds: 5,
          expiresAt: at(1000),
        });
        const code = {
          ...seed,
          redirectUri: null,
          redirectUriGiven: false,
          scopes: ['a'],
          nonce: null,
          codeChallenge: null,
          authTime: at(0),
        };
        // Codes stay a day past their expiry, so that a late replay still revokes what they issued.
        await f.createAuthorizationCode({
          ...code,
          codeHash: sha256(randomToken()),
          expiresAt: at(-23 * HOUR),
        });
        const kept = sha256(randomToken());
        await f.createAuthorizationCode({ ...code, codeHash: kept, expiresAt: at(60_000) });
        const family = await f.consumeAuthorizationCode(kept, { id: newId('fam'), expiresAt: at(1000) });
        if (family.status !== 'consumed') return assert.fail(family.status);
        await f.recordFamilyAccessToken(family.family.id, newId('at'), at(1000));
        await f.revokeAccessToken(newId('at'), at(1000));
        await f.createOpaqueAccessToken({
          tokenHash: sha256(randomToken()),
          jti: newId('at'),
          appId: seed.appId,
          clientId: 'cl',
          subject: seed.userId,
          scopes: ['a'],
          companyId: seed.companyId,
          grantId: seed.grantId,
          familyId: null,
          issuedAt: at(0),
          expiresAt: at(1000),
          dpopJkt: null,
          audience: null,
          act: null,
        });
        // A used DPoP proof goes once expired; one still inside its window stays.
        await f.useDpopProof(sha256(randomToken()), at(1000));
        await f.useDpopProof(sha256(randomToken()), at(30 * DAY));
        await f.recordRevocations([
          { kind: 'jti', hash: `dead-${randomToken(8)}`, expiresAt: at(1000) },
          { kind: 'jti', hash: `alive-${randomToken(8)}`, expiresAt: at(30 * DAY) },
        ]);
        await f.beginIdempotentRequest({
          companyId: seed.companyId,
          caller: 'cli',
          keyHash: sha256(randomToken()),
          fingerprint: 'fp',
          leaseId: randomToken(8),
          leaseUntil: at(1000),
          expiresAt: at(1000),
        });
        await f.useAssertionJti('cl', 'jti-dead', at(1000), at(0));
        await f.useAssertionJti('cl', 'jti-alive', at(30 * DAY), at(0));
        await f.savePushedRequest({
          requestUriHash: sha256(randomToken()),
          clientId: 'cl',
          params: {},
          expiresAt: at(1000),
        });
        await newEndpoint(f, seed.companyId);
        const event = {
          type: 'app.secret_rotated' as const,
          companyIds: [seed.companyId],
          appId: seed.appId,
          data: {},
        };
        await f.rotateAppSecret(seed.companyId, seed.appId, secretRecord(), at(0), {
          events: [event, event],
        });
        const [finished] = (await f.listWebhookDeliveries(seed.companyId)).items;
        await f.recordDeliveryAttempt(finished?.id as string, {
          attemptedAt: t0,
          statusCode: 200,
          error: null,
          durationMs: 1,
          delivered: true,
          nextAttemptAt: null,
        });
        const invalidations = (await f.invalidationsSince(0)).length;
        assert.ok(invalidations > 0);

        assert.deepEqual(await f.pruneExpired(at(2 * HOUR)), {
          sessions: 1,
          flows: 1,
          codes: 1,
          families: 1,
          // The family's access-token record, the revoked jti, the opaque token.
          accessTokens: 3,
          revocations: 2,
          invalidations,
          deliveries: 0,
          idempotencyKeys: 1,
          assertionJtis: 1,
          pushedRequests: 1,
          dpopProofs: 1,
          emailTokens: 0,
          deviceAuthorizations: 0,
          logouts: 0,
        });
        // A month on: the rest has had its time; a finished delivery goes after 30 days, a pending one stays.
        assert.deepEqual(await f.pruneExpired(at(31 * DAY)), {
          sessions: 1,
          flows: 1,
          codes: 1,
          families: 0,
          accessTokens: 0,
          revocations: 1,
          invalidations: 0,
          deliveries: 1,
          idempotencyKeys: 0,
          assertionJtis: 1,
          pushedRequests: 0,
          dpopProofs: 1,
          emailTokens: 0,
          deviceAuthorizations: 1,
          logouts: 0,
        });
        assert.equal((await f.listWebhookDeliveries(seed.companyId)).items.length, 1);
      },
    );
  });
}
