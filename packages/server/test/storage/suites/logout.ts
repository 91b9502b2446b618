import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Storage } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { randomToken } from '../../../src/util/random.ts';
import { newApp, newCompany, newUser } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';
import { authorizationSeed } from './authorization-state.ts';

const HOUR = 3_600_000;
const LEASE = 30_000;

/** A signed-in session with a sid, and two apps issued ID tokens in it (one with a back-channel URI). */
async function sessionWithApps(s: Storage) {
  const co = await newCompany(s, 'Logout Co');
  const user = await newUser(s);
  const sid = randomToken(16);
  const idHash = sha256(randomToken(32));
  const session = await s.createSession({
    idHash,
    userId: user.id,
    authTime: new Date(),
    expiresAt: new Date(Date.now() + HOUR),
    sid,
  });
  const told = (await newApp(s, co.id, { backchannelLogoutUri: 'https://rp.example/bc' })).app;
  const silent = (await newApp(s, co.id)).app;
  for (const app of [told, silent, told])
    await s.recordSessionApp({ sid, appId: app.id, userId: user.id, expiresAt: session.expiresAt });
  return { co, user, sid, idHash, session, told, silent };
}

/** Logout: a session's apps, ending a session with its back-channel logouts, and their outbox. */
export function logoutTests({ it }: SuiteContext): void {
  describe('logout', () => {
    it(
      'a session keeps its sid; its apps are remembered once each',
      ['recordSessionApp', 'listSessionApps', 'getSession'],
      async (s) => {
        const { sid, idHash, told, silent } = await sessionWithApps(s);
        assert.equal((await s.getSession(idHash))?.sid, sid);
        assert.deepEqual((await s.listSessionApps(sid)).sort(), [told.id, silent.id].sort());
        assert.deepEqual(await s.listSessionApps('unknown'), []);
      },
    );

    it(
      'endSession deletes the session and its apps and enqueues a logout for each app with a back-channel URI, once',
      ['endSession', 'listBackchannelLogouts'],
      async (s) => {
        const { sid, idHash, user, told, silent } = await sessionWithApps(s);
        const results = await Promise.all([s.endSession(idHash), s.endSession(idHash), s.endSession(idHash)]);
        const winners = results.filter((r) => r !== undefined);
        assert.equal(winners.length, 1, 'exactly one concurrent caller ends the session');
        const ended = winners[0];
        assert.ok(ended);
        assert.equal(ended.session.sid, sid);
        assert.deepEqual([...ended.appIds].sort(), [told.id, silent.id].sort());
        assert.equal(ended.logouts.length, 1);
        assert.equal(await s.getSession(idHash), undefined);
        assert.deepEqual(await s.listSessionApps(sid), []);
        const [logout] = await s.listBackchannelLogouts(told.id);
        assert.deepEqual(logout, ended.logouts[0]);
        assert.equal(logout?.subject, user.id);
        assert.equal(logout?.sid, sid);
        assert.equal(logout?.status, 'pending');
        assert.equal(logout?.attempts, 0);
        assert.deepEqual(await s.listBackchannelLogouts(silent.id), []);
        assert.equal(await s.endSession('no-such-session'), undefined);
      },
    );

    it('an anonymous session ends without logouts', ['endSession', 'createSession'], async (s) => {
      const idHash = sha256(randomToken(32));
      await s.createSession({ idHash, userId: null, authTime: null, expiresAt: new Date(Date.now() + HOUR) });
      const ended = await s.endSession(idHash);
      assert.equal(ended?.session.sid, null);
      assert.deepEqual(ended?.logouts, []);
    });

    it(
      'logouts are leased to one claimer, released without an attempt, retried, delivered',
      [
        'claimDueBackchannelLogouts',
        'releaseBackchannelLogoutLease',
        'recordBackchannelLogoutAttempt',
        'listBackchannelLogouts',
      ],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const ids: string[] = [];
        const appOf = new Map<string, string>();
        for (let i = 0; i < 6; i++) {
          const { idHash } = await sessionWithApps(s);
          const ended = await s.endSession(idHash);
          for (const l of ended?.logouts ?? []) {
            ids.push(l.id);
            appOf.set(l.id, l.appId);
          }
        }
        const find = async (id: string) =>
          (await s.listBackchannelLogouts(appOf.get(id) as string)).find((l) => l.id === id);
        const now = Date.now() + 1;
        const batches = await Promise.all(
          Array.from({ length: 4 }, () => s.claimDueBackchannelLogouts(new Date(now), 10, LEASE)),
        );
        const claimed = batches.flat().map((l) => l.id);
        assert.deepEqual([...claimed].sort(), [...ids].sort(), 'each logout leased exactly once');
        assert.deepEqual(await s.claimDueBackchannelLogouts(new Date(now + 1), 10, LEASE), [], 'leased');

        const [first, second] = ids as [string, string];
        assert.equal(
          await s.releaseBackchannelLogoutLease(first, new Date(now + LEASE + 5)),
          false,
          'not my lease',
        );
        assert.equal(await s.releaseBackchannelLogoutLease(first, new Date(now + LEASE)), true);
        const again = await s.claimDueBackchannelLogouts(new Date(now + 2), 10, LEASE);
        assert.deepEqual(
          again.map((l) => l.id),
          [first],
        );
        assert.equal(again[0]?.attempts, 0, 'a released lease counts no attempt');

        await s.recordBackchannelLogoutAttempt(first, {
          attemptedAt: now + 3,
          statusCode: null,
          error: 'connection refused (ECONNREFUSED)',
          durationMs: 2,
          delivered: false,
          nextAttemptAt: now + 1000,
        });
        await s.recordBackchannelLogoutAttempt(second, {
          attemptedAt: now + 3,
          statusCode: 200,
          error: null,
          durationMs: 2,
          delivered: true,
          nextAttemptAt: null,
        });
        const retrying = await find(first);
        assert.equal(retrying?.status, 'pending');
        assert.equal(retrying?.attempts, 1);
        assert.equal(retrying?.lastError, 'connection refused (ECONNREFUSED)');
        assert.equal(retrying?.nextAttemptAt.getTime(), now + 1000);
        const delivered = await find(second);
        assert.equal(delivered?.status, 'delivered');
        assert.equal(delivered?.deliveredAt?.getTime(), now + 3);
        assert.deepEqual(
          await s.claimDueBackchannelLogouts(new Date(now + 500), 10, LEASE),
          [],
          'not due yet',
        );
        const retry = await s.claimDueBackchannelLogouts(new Date(now + 1000), 10, LEASE);
        assert.deepEqual(
          retry.map((l) => l.id),
          [first],
        );
        await s.recordBackchannelLogoutAttempt(first, {
          attemptedAt: now + 1001,
          statusCode: 500,
          error: 'HTTP 500',
          durationMs: 2,
          delivered: false,
          nextAttemptAt: null,
        });
        const failed = await find(first);
        assert.equal(failed?.status, 'failed');
        assert.equal(failed?.attempts, 2);
        // Failed and delivered logouts are never claimed again; the others' leases ran out.
        const later = await s.claimDueBackchannelLogouts(new Date(now + 10 * LEASE), 10, LEASE);
        assert.deepEqual(
          later.map((l) => l.id).sort(),
          ids.filter((id) => id !== first && id !== second).sort(),
        );
      },
    );

    it(
      "housekeeping forgets a session's apps once it would have expired, and finished logouts after 30 days",
      ['pruneExpired', 'listSessionApps', 'listBackchannelLogouts'],
      async (_s, env) => {
        const { storage: s } = await env.fresh();
        const { sid, idHash, told } = await sessionWithApps(s);
        const other = await sessionWithApps(s);
        const ended = await s.endSession(idHash);
        const [logout] = ended?.logouts ?? [];
        assert.ok(logout);
        await s.recordBackchannelLogoutAttempt(logout.id, {
          attemptedAt: Date.now(),
          statusCode: 200,
          error: null,
          durationMs: 1,
          delivered: true,
          nextAttemptAt: null,
        });
        assert.equal((await s.pruneExpired(new Date())).logouts, 0);
        assert.equal((await s.listSessionApps(other.sid)).length, 2);
        const later = await s.pruneExpired(new Date(Date.now() + 31 * 86_400_000));
        assert.equal(later.logouts, 3, "the other session's two apps and the delivered logout");
        assert.deepEqual(await s.listSessionApps(other.sid), []);
        assert.deepEqual(await s.listBackchannelLogouts(told.id), []);
        assert.deepEqual(await s.listSessionApps(sid), []);
      },
    );

    it(
      'a code remembers the session it was issued in',
      ['createAuthorizationCode', 'getAuthorizationCode'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const base = {
          ...seed,
          redirectUri: null,
          redirectUriGiven: false,
          scopes: ['openid'],
          nonce: null,
          codeChallenge: null,
          authTime: new Date(),
          expiresAt: new Date(Date.now() + 60_000),
        };
        const withSid = sha256(randomToken(32));
        await s.createAuthorizationCode({ ...base, codeHash: withSid, sid: 'sid-1' });
        assert.equal((await s.getAuthorizationCode(withSid))?.sid, 'sid-1');
        const without = sha256(randomToken(32));
        await s.createAuthorizationCode({ ...base, codeHash: without });
        assert.equal((await s.getAuthorizationCode(without))?.sid, null);
      },
    );
  });
}
