import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { RotateRefreshResult } from '../../../src/storage/authorization-types.ts';
import type { Storage } from '../../../src/storage/storage.ts';
import type { DomainEventInput } from '../../../src/storage/types.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { newApp, newCompany, newEndpoint } from '../fixtures.ts';
import type { RawAccess, SuiteContext } from '../suite-context.ts';

const WINDOW = 10_000;
const HOUR = 3_600_000;
/** A fixed clock: every call in these tests names its `now`. */
const T0 = Date.now();

/** A live family with one refresh token (`r0`), as a code exchange leaves it. */
async function family(s: Storage, raw: RawAccess) {
  const company = await newCompany(s, 'Rotation Co');
  const user = await s.createUser({
    id: newId('usr'),
    email: `${newId('u')}@rotation.test`,
    name: 'R',
    passwordHash: null,
  });
  const { app } = await newApp(s, company.id, {
    type: 'partner',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['https://p.example/cb'],
  });
  const grant = await s.upsertGrant({
    id: newId('gr'),
    guid: crypto.randomUUID(),
    appId: app.id,
    companyId: company.id,
    scopes: ['users.read'],
    grantedBy: user.id,
  });
  const code = sha256(newId('code', 30));
  await s.createAuthorizationCode({
    codeHash: code,
    appId: app.id,
    userId: user.id,
    companyId: company.id,
    grantId: grant.id,
    redirectUri: 'https://p.example/cb',
    redirectUriGiven: true,
    scopes: ['users.read'],
    nonce: null,
    codeChallenge: null,
    authTime: new Date(T0),
    expiresAt: new Date(T0 + 60_000),
  });
  const prefix = newId('r', 12);
  const name = (n: number) => sha256(`${prefix}-${n}`);
  const consumed = await s.consumeAuthorizationCode(
    code,
    { id: newId('fam'), expiresAt: new Date(T0 + 24 * HOUR) },
    new Date(T0),
    {
      accessToken: { jti: newId('at', 22), expiresAt: new Date(T0 + HOUR) },
      refreshToken: { tokenHash: name(0), expiresAt: new Date(T0 + 12 * HOUR) },
    },
  );
  if (consumed.status !== 'consumed') throw new Error(consumed.status);
  const reuseEvent: DomainEventInput = {
    type: 'refresh_token.reuse_detected',
    companyIds: [company.id],
    appId: app.id,
    data: {},
  };
  await newEndpoint(s, company.id, { events: ['refresh_token.reuse_detected'] });
  return {
    familyId: consumed.family.id,
    companyId: company.id,
    appId: app.id,
    grant,
    /** The hash of the n-th token of this family. */
    name,
    rotate(from: number, to: number, at: number, windowMs = WINDOW, jti?: string) {
      return s.rotateRefreshToken(
        name(from),
        { tokenHash: name(to), expiresAt: new Date(at + 12 * HOUR) },
        new Date(at),
        {
          reuseWindowMs: windowMs,
          eventsOnReuse: [reuseEvent],
          ...(jti ? { accessToken: { jti, expiresAt: new Date(at + HOUR) } } : {}),
        },
      );
    },
    /** The hashes of the family's current (unretired) refresh tokens. */
    current() {
      return raw.currentRefreshTokens(consumed.family.id);
    },
    async revoked() {
      return (await s.getRefreshToken(name(0)))?.family.revokedAt != null;
    },
    async reuseReports() {
      const page = await s.listWebhookDeliveries(company.id, { limit: 100 });
      return page.items.filter((d) => d.eventType === 'refresh_token.reuse_detected').length;
    },
  };
}

const status = (r: RotateRefreshResult) => r.status;

export function refreshRotationTests({ it }: SuiteContext): void {
  describe('refresh rotation and the reuse window', () => {
    it(
      'a retry of the token rotated last, within the window, replaces its unused successor',
      ['rotateRefreshToken', 'getRefreshToken', 'revokeRefreshFamily', 'listRevokedAccessTokens'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        assert.equal(status(await f.rotate(0, 1, T0)), 'rotated');
        const retried = await f.rotate(0, 2, T0 + WINDOW - 1, WINDOW, 'jti-retry');
        assert.equal(retried.status, 'retried');
        assert.equal(retried.status === 'retried' && retried.superseded, f.name(1));
        assert.equal(retried.status === 'retried' && retried.family.id, f.familyId);
        // One current token: the newest; the superseded one is retired, the family lives.
        assert.deepEqual(await f.current(), [f.name(2)]);
        assert.notEqual((await s.getRefreshToken(f.name(1)))?.token.rotatedAt, null);
        assert.equal(await f.revoked(), false);
        // A retry of the retry still counts from the first rotation, and replaces again.
        assert.equal(status(await f.rotate(0, 3, T0 + WINDOW - 1)), 'retried');
        assert.deepEqual(await f.current(), [f.name(3)]);
        // The chain goes on from the newest; the retry's access token belongs to the family.
        assert.equal(status(await f.rotate(3, 4, T0 + 2 * WINDOW)), 'rotated');
        await s.revokeRefreshFamily(f.familyId, new Date(T0 + 2 * WINDOW));
        assert.ok((await s.listRevokedAccessTokens(new Date(T0))).some((r) => r.jti === 'jti-retry'));
        assert.equal(await f.reuseReports(), 0);
      },
    );

    it(
      "the rotation's own checks: another app's token, the caller's refusal, a revoked grant",
      ['rotateRefreshToken', 'getRefreshToken', 'revokeGrant'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        const next = (n: number) => ({ tokenHash: f.name(n), expiresAt: new Date(T0 + HOUR) });
        // Another app presenting the token: nothing is touched.
        assert.equal(
          status(await s.rotateRefreshToken(f.name(0), next(1), new Date(T0), { appId: 'app_other' })),
          'foreign',
        );
        // The caller's check sees the token, its family and its grant; false refuses, untouched.
        let seen: unknown;
        const refused = await s.rotateRefreshToken(f.name(0), next(1), new Date(T0), {
          appId: f.appId,
          accept: (found) => {
            seen = [found.family.id, found.token.scopes, found.grant];
            return false;
          },
        });
        assert.equal(refused.status, 'refused');
        assert.deepEqual(seen, [f.familyId, ['users.read'], { guid: f.grant.guid, active: true }]);
        assert.deepEqual(await f.current(), [f.name(0)]);
        // The expiry may be computed from the family, inside the transaction.
        const rotated = await s.rotateRefreshToken(
          f.name(0),
          { tokenHash: f.name(1), expiresAt: (family) => new Date(family.expiresAt.getTime() - 1) },
          new Date(T0),
          { appId: f.appId, requireActiveGrant: true },
        );
        assert.equal(rotated.status, 'rotated');
        const stored = await s.getRefreshToken(f.name(1));
        assert.equal(stored?.token.expiresAt.getTime(), (stored?.family.expiresAt.getTime() ?? 0) - 1);
        // Once the grant is revoked, the next rotation revokes the family instead.
        assert.ok(await s.revokeGrant(f.companyId, f.grant.id));
        const after = await s.rotateRefreshToken(f.name(1), next(2), new Date(T0 + 1), {
          appId: f.appId,
          requireActiveGrant: true,
        });
        assert.deepEqual(after, { status: 'grant-revoked', familyId: f.familyId });
        assert.equal(await f.revoked(), true);
        assert.equal(status(await s.rotateRefreshToken(f.name(1), next(3), new Date(T0 + 2))), 'invalid');
      },
    );

    it(
      'a reuse report built from what the rotation found names the grant',
      ['rotateRefreshToken'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        assert.equal(status(await f.rotate(0, 1, T0)), 'rotated');
        let guid: string | undefined;
        const reused = await s.rotateRefreshToken(
          f.name(0),
          { tokenHash: f.name(2), expiresAt: new Date(T0 + HOUR) },
          new Date(T0 + WINDOW),
          {
            reuseWindowMs: WINDOW,
            eventsOnReuse: ({ family, grant }) => {
              guid = grant?.guid;
              return [
                {
                  type: 'refresh_token.reuse_detected',
                  companyIds: [f.companyId],
                  appId: family.appId,
                  data: { guid: grant?.guid ?? null },
                },
              ];
            },
          },
        );
        assert.equal(reused.status, 'reused');
        assert.equal(guid, f.grant.guid);
        assert.equal(await f.reuseReports(), 1);
      },
    );

    it(
      'outside the window the predecessor revokes the family and reports it once',
      ['rotateRefreshToken'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        assert.equal(status(await f.rotate(0, 1, T0)), 'rotated');
        // The window is half-open: exactly WINDOW after the rotation is outside it.
        assert.equal(status(await f.rotate(0, 2, T0 + WINDOW)), 'reused');
        assert.equal(await f.revoked(), true);
        assert.deepEqual(await f.current(), [f.name(1)]);
        assert.equal(status(await f.rotate(1, 3, T0 + WINDOW + 1)), 'invalid');
        assert.equal(status(await f.rotate(0, 4, T0 + WINDOW + 2)), 'reused');
        assert.equal(await f.reuseReports(), 1);
      },
    );

    it(
      'an older ancestor, or the predecessor once its successor was used, revokes the family',
      ['rotateRefreshToken'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        assert.equal(status(await f.rotate(0, 1, T0)), 'rotated');
        assert.equal(status(await f.rotate(1, 2, T0 + 1)), 'rotated');
        // Both well within the window of their own rotation.
        assert.equal(status(await f.rotate(0, 3, T0 + 2)), 'reused');
        assert.equal(await f.revoked(), true);
        assert.equal(status(await f.rotate(2, 4, T0 + 3)), 'invalid');
        assert.equal(await f.reuseReports(), 1);

        const g = await family(s, raw);
        assert.equal(status(await g.rotate(0, 1, T0)), 'rotated');
        assert.equal(status(await g.rotate(1, 2, T0 + 1)), 'rotated');
        assert.equal(status(await g.rotate(2, 3, T0 + 2)), 'rotated');
        // r1's successor r2 has been used: r1 is an ancestor now, no longer the predecessor.
        assert.equal(status(await g.rotate(1, 4, T0 + 3)), 'reused');
        assert.equal(await g.revoked(), true);
      },
    );

    it(
      'a successor superseded by a retry is no predecessor: presenting it is reuse',
      ['rotateRefreshToken'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        assert.equal(status(await f.rotate(0, 1, T0)), 'rotated');
        assert.equal(status(await f.rotate(0, 2, T0 + 1)), 'retried');
        assert.equal(status(await f.rotate(1, 3, T0 + 2)), 'reused');
        assert.equal(await f.revoked(), true);
        assert.equal(await f.reuseReports(), 1);
      },
    );

    it(
      'window 0 (the default): any retired token is reuse, even at the same instant',
      ['rotateRefreshToken'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        assert.equal(status(await f.rotate(0, 1, T0)), 'rotated');
        assert.equal(status(await f.rotate(0, 2, T0 - 5, 0)), 'reused');
        assert.equal(await f.revoked(), true);
        const g = await family(s, raw);
        await s.rotateRefreshToken(g.name(0), { tokenHash: g.name(1), expiresAt: new Date(T0 + HOUR) });
        const again = await s.rotateRefreshToken(g.name(0), {
          tokenHash: g.name(2),
          expiresAt: new Date(T0 + HOUR),
        });
        assert.equal(again.status, 'reused');
      },
    );

    it(
      'concurrent presentations of one token: one rotation, the rest retries, one current token',
      ['rotateRefreshToken'],
      async (s, { raw }) => {
        for (let round = 0; round < 20; round++) {
          const f = await family(s, raw);
          const results = await Promise.all([1, 2, 3, 4].map((n) => f.rotate(0, n, T0 + round)));
          assert.deepEqual(results.map(status).sort(), ['retried', 'retried', 'retried', 'rotated']);
          const current = await f.current();
          assert.equal(current.length, 1);
          assert.ok([1, 2, 3, 4].some((n) => f.name(n) === current[0]));
          assert.equal(await f.revoked(), false);
          assert.equal(await f.reuseReports(), 0);
        }
      },
    );

    it(
      'the database refuses a second current refresh token in a family',
      ['createRefreshToken'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        await assert.rejects(
          s.createRefreshToken({
            tokenHash: sha256(newId('extra')),
            familyId: f.familyId,
            scopes: ['users.read'],
            expiresAt: new Date(T0 + HOUR),
          }),
        );
        assert.deepEqual(await f.current(), [f.name(0)]);
      },
    );

    it(
      'a revoked family answers no retry',
      ['rotateRefreshToken', 'revokeRefreshFamily'],
      async (s, { raw }) => {
        const f = await family(s, raw);
        assert.equal(status(await f.rotate(0, 1, T0)), 'rotated');
        assert.ok(await s.revokeRefreshFamily(f.familyId, new Date(T0 + 1)));
        assert.equal(status(await f.rotate(0, 2, T0 + 2)), 'reused');
        assert.equal(status(await f.rotate(1, 3, T0 + 3)), 'invalid');
        assert.deepEqual(await f.current(), [f.name(1)]);
        // The revocation was not a reuse detection: nothing reported.
        assert.equal(await f.reuseReports(), 0);
      },
    );
  });
}
