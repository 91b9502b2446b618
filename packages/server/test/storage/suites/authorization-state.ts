import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Storage } from '../../../src/storage/storage.ts';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { newApp, newCompany, newUser } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const MINUTE = 60_000;

/** A company, a user, a partner app and its grant: what a code is issued under. */
export async function authorizationSeed(s: Storage) {
  const company = await newCompany(s, 'Authz Co');
  const user = await newUser(s);
  const { app } = await newApp(s, company.id, {
    type: 'partner',
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['a'],
    redirectUris: ['https://x.test/cb'],
  });
  const grant = await s.upsertGrant({
    id: newId('gr'),
    guid: crypto.randomUUID(),
    appId: app.id,
    companyId: company.id,
    scopes: ['a'],
    grantedBy: user.id,
  });
  return { appId: app.id, companyId: company.id, userId: user.id, grantId: grant.id };
}

/** Stores a fresh code under the seed; returns its hash. */
export async function newCode(s: Storage, seed: Awaited<ReturnType<typeof authorizationSeed>>) {
  const codeHash = sha256(newId('code', 30));
  await s.createAuthorizationCode({
    codeHash,
    ...seed,
    redirectUri: 'https://x.test/cb',
    redirectUriGiven: true,
    scopes: ['a'],
    nonce: null,
    codeChallenge: null,
    authTime: new Date(),
    expiresAt: new Date(Date.now() + MINUTE),
  });
  return codeHash;
}

function session(userId: string | null, expiresAt = new Date(Date.now() + MINUTE)) {
  return { idHash: sha256(newId('sess')), userId, authTime: userId ? new Date() : null, expiresAt };
}

function flow(sessionHash: string, appId: string, overrides: { grantGuid?: string; expiresAt?: Date } = {}) {
  return {
    id: newId('flow'),
    sessionHash,
    appId,
    request: '{"state":"s"}',
    companyId: null,
    grantGuid: overrides.grantGuid ?? null,
    expiresAt: overrides.expiresAt ?? new Date(Date.now() + MINUTE),
  };
}

/** Sessions, pending authorization flows and codes: the browser side of the code flow. */
export function authorizationStateTests({ it, target }: SuiteContext): void {
  describe('sessions and authorization flows', () => {
    it(
      'a session lives until it expires; sign-in replaces it and carries its flows across',
      ['createSession', 'getSession', 'replaceSession', 'createAuthorizationFlow', 'getAuthorizationFlow'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const anon = await s.createSession(session(null));
        assert.ok(anon.createdAt instanceof Date);
        assert.deepEqual(await s.getSession(anon.idHash), anon);
        assert.equal(
          await s.getSession(anon.idHash, new Date(anon.expiresAt.getTime())),
          undefined,
          'expired',
        );
        const pending = await s.createAuthorizationFlow(flow(anon.idHash, seed.appId));
        const signedIn = await s.replaceSession(anon.idHash, session(seed.userId));
        assert.equal(signedIn.userId, seed.userId);
        assert.equal(await s.getSession(anon.idHash), undefined, 'the old session is gone');
        assert.equal((await s.getSession(signedIn.idHash))?.userId, seed.userId);
        assert.equal(await s.getAuthorizationFlow(pending.id, anon.idHash), undefined);
        assert.deepEqual(await s.getAuthorizationFlow(pending.id, signedIn.idHash), {
          ...pending,
          sessionHash: signedIn.idHash,
        });
        // A first sign-in without an earlier session.
        const fresh = await s.replaceSession(null, session(seed.userId));
        assert.equal((await s.getSession(fresh.idHash))?.userId, seed.userId);
      },
    );

    it(
      'sign-out deletes the session with its pending flows',
      ['deleteSession', 'getSession', 'getAuthorizationFlow'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const open = await s.createSession(session(seed.userId));
        const pending = await s.createAuthorizationFlow(flow(open.idHash, seed.appId));
        await s.deleteSession(open.idHash);
        assert.equal(await s.getSession(open.idHash), undefined);
        assert.equal(await s.getAuthorizationFlow(pending.id, open.idHash), undefined);
        await s.deleteSession(open.idHash);
      },
    );

    it(
      'a flow answers only its own session and only until it expires',
      ['createAuthorizationFlow', 'getAuthorizationFlow'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const mine = await s.createSession(session(seed.userId));
        const other = await s.createSession(session(seed.userId));
        const pending = await s.createAuthorizationFlow(flow(mine.idHash, seed.appId));
        assert.ok(pending.createdAt instanceof Date);
        assert.deepEqual(await s.getAuthorizationFlow(pending.id, mine.idHash), pending);
        assert.equal(await s.getAuthorizationFlow(pending.id, other.idHash), undefined);
        assert.equal(await s.getAuthorizationFlow(pending.id, mine.idHash, pending.expiresAt), undefined);
        assert.equal(await s.getAuthorizationFlow(newId('flow'), mine.idHash), undefined);
      },
    );

    it(
      'the company is set only on the session’s own, ungranted flow',
      ['setAuthorizationFlowCompany', 'getAuthorizationFlow'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const mine = await s.createSession(session(seed.userId));
        const other = await s.createSession(session(seed.userId));
        const pending = await s.createAuthorizationFlow(flow(mine.idHash, seed.appId));
        assert.equal(await s.setAuthorizationFlowCompany(pending.id, other.idHash, seed.companyId), false);
        assert.equal((await s.getAuthorizationFlow(pending.id, mine.idHash))?.companyId, null);
        assert.equal(await s.setAuthorizationFlowCompany(pending.id, mine.idHash, seed.companyId), true);
        assert.equal((await s.getAuthorizationFlow(pending.id, mine.idHash))?.companyId, seed.companyId);
        const granted = await s.createAuthorizationFlow(
          flow(mine.idHash, seed.appId, { grantGuid: 'guid-shown' }),
        );
        assert.equal(await s.setAuthorizationFlowCompany(granted.id, mine.idHash, seed.companyId), false);
        assert.equal(await s.setAuthorizationFlowCompany(newId('flow'), mine.idHash, seed.companyId), false);
      },
    );

    it(
      'a pending flow is claimed once: of concurrent claims exactly one wins',
      ['claimAuthorizationFlow', 'getAuthorizationFlow'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const mine = await s.createSession(session(seed.userId));
        const other = await s.createSession(session(seed.userId));
        const pending = await s.createAuthorizationFlow(flow(mine.idHash, seed.appId));
        assert.equal(
          await s.claimAuthorizationFlow(pending.id, other.idHash),
          undefined,
          'another session’s',
        );
        const claims = await Promise.all(
          Array.from({ length: 6 }, () => s.claimAuthorizationFlow(pending.id, mine.idHash)),
        );
        const won = claims.filter((c) => c !== undefined);
        assert.equal(won.length, 1);
        assert.deepEqual(won[0], pending);
        assert.equal(await s.getAuthorizationFlow(pending.id, mine.idHash), undefined, 'removed');
        // Expired, or already granted (its GUID on a page): nothing to claim.
        const late = await s.createAuthorizationFlow(flow(mine.idHash, seed.appId));
        assert.equal(await s.claimAuthorizationFlow(late.id, mine.idHash, late.expiresAt), undefined);
        const granted = await s.createAuthorizationFlow(
          flow(mine.idHash, seed.appId, { grantGuid: 'guid-shown' }),
        );
        assert.equal(await s.claimAuthorizationFlow(granted.id, mine.idHash), undefined);
        assert.ok(
          await s.getAuthorizationFlow(granted.id, mine.idHash),
          'a granted flow stays to show its page',
        );
      },
    );
  });

  describe('authorization codes', () => {
    it(
      'stores a code by its hash and reads every field back, consumed or not',
      ['createAuthorizationCode', 'getAuthorizationCode', 'consumeAuthorizationCode'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const codeHash = sha256(newId('code', 30));
        const record = {
          codeHash,
          ...seed,
          redirectUri: null,
          redirectUriGiven: false,
          scopes: ['a'],
          nonce: 'n-1',
          codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          authTime: new Date(1_700_000_000_000),
          expiresAt: new Date(Date.now() + MINUTE),
        };
        await s.createAuthorizationCode(record);
        const stored = await s.getAuthorizationCode(codeHash);
        assert.ok(stored?.createdAt instanceof Date);
        assert.deepEqual(stored, {
          ...record,
          createdAt: stored.createdAt,
          consumedAt: null,
          familyId: null,
          sid: null,
        });
        assert.equal(await s.getAuthorizationCode(sha256('no such code')), undefined);
        const familyId = newId('fam');
        const now = new Date();
        await s.consumeAuthorizationCode(
          codeHash,
          { id: familyId, expiresAt: new Date(Date.now() + MINUTE) },
          now,
        );
        const consumed = await s.getAuthorizationCode(codeHash);
        assert.equal(consumed?.consumedAt?.getTime(), now.getTime());
        assert.equal(consumed?.familyId, familyId);
        await assert.rejects(s.createAuthorizationCode(record), 'a code hash is stored once');
      },
    );

    it(
      'concurrent redemptions of one code: exactly one wins, and only its tokens are stored',
      ['consumeAuthorizationCode', 'getRefreshToken', 'revokeRefreshFamily', 'listRevokedAccessTokens'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const codeHash = await newCode(s, seed);
        const tries = Array.from({ length: 8 }, (_, i) => ({
          family: { id: newId('fam'), expiresAt: new Date(Date.now() + 86_400_000) },
          issue: {
            accessToken: { jti: newId('at', 22), expiresAt: new Date(Date.now() + 3_600_000) },
            refreshToken: {
              tokenHash: sha256(`refresh-${i}-${codeHash}`),
              expiresAt: new Date(Date.now() + 3_600_000),
            },
          },
        }));
        const results = await Promise.all(
          tries.map((t) => s.consumeAuthorizationCode(codeHash, t.family, new Date(), t.issue)),
        );
        assert.equal(results.filter((r) => r.status === 'consumed').length, 1);
        assert.equal(results.filter((r) => r.status === 'replayed').length, 7);
        const w = results.findIndex((r) => r.status === 'consumed');
        const winner = tries[w] as (typeof tries)[number];
        const won = results[w];
        assert.equal(won?.status === 'consumed' && won.family.id, winner.family.id);
        assert.equal(won?.status === 'consumed' && won.family.grantId, seed.grantId);
        // Each replay names the family the code created, so the caller can revoke it.
        for (const r of results) if (r.status === 'replayed') assert.equal(r.code.familyId, winner.family.id);
        // Only the winner's refresh token exists, with the code's scopes, in the winner's family.
        for (const [i, t] of tries.entries()) {
          const found = await s.getRefreshToken(t.issue.refreshToken.tokenHash);
          if (i === w) {
            assert.deepEqual(found?.token.scopes, ['a']);
            assert.equal(found?.family.id, winner.family.id);
          } else assert.equal(found, undefined);
        }
        // Only the winner's access token belongs to the family: revoking it revokes that one.
        assert.equal(await s.revokeRefreshFamily(winner.family.id), true);
        const revoked = new Set((await s.listRevokedAccessTokens()).map((r) => r.jti));
        for (const [i, t] of tries.entries()) assert.equal(revoked.has(t.issue.accessToken.jti), i === w);
        const unknown = await s.consumeAuthorizationCode(sha256('nope'), {
          id: newId('fam'),
          expiresAt: new Date(),
        });
        assert.equal(unknown.status, 'unknown');
      },
    );

    it(
      'with a match, only a code that is the app’s, unexpired, for the redirect_uri and challenge given is spent',
      ['consumeAuthorizationCode', 'createAuthorizationCode', 'getAuthorizationCode', 'getRefreshToken'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const challenge = sha256('verifier');
        const codeHash = sha256(newId('code', 30));
        const expiresAt = new Date(Date.now() + MINUTE);
        await s.createAuthorizationCode({
          codeHash,
          ...seed,
          redirectUri: 'https://x.test/cb',
          redirectUriGiven: true,
          scopes: ['a'],
          nonce: 'n',
          codeChallenge: challenge,
          authTime: new Date(),
          expiresAt,
        });
        const right = { appId: seed.appId, redirectUri: 'https://x.test/cb', codeChallenge: challenge };
        const wrong = [
          { ...right, appId: 'app_other' },
          { ...right, redirectUri: 'https://x.test/other' },
          { ...right, redirectUri: null },
          { ...right, codeChallenge: sha256('another verifier') },
          { ...right, codeChallenge: null },
        ];
        const attempt = (match: typeof right | (typeof wrong)[number], now = new Date()) => {
          const tokenHash = sha256(newId('rt'));
          return s
            .consumeAuthorizationCode(
              codeHash,
              { id: newId('fam'), expiresAt: new Date(Date.now() + MINUTE) },
              now,
              {
                accessToken: { jti: newId('at', 22), expiresAt: new Date(Date.now() + MINUTE) },
                refreshToken: { tokenHash, expiresAt: new Date(Date.now() + MINUTE) },
              },
              match,
            )
            .then((result) => ({ result, tokenHash }));
        };
        for (const match of [...wrong, right]) {
          const late = match === right;
          // The right match once the code has expired: not spent either.
          const { result, tokenHash } = await attempt(match, late ? expiresAt : new Date());
          assert.deepEqual(result, { status: 'unmatched' }, JSON.stringify(match));
          assert.equal(await s.getRefreshToken(tokenHash), undefined);
        }
        assert.equal((await s.getAuthorizationCode(codeHash))?.consumedAt, null);
        const { result, tokenHash } = await attempt(right);
        assert.equal(result.status, 'consumed');
        assert.equal(result.status === 'consumed' && result.code.nonce, 'n');
        assert.deepEqual((await s.getRefreshToken(tokenHash))?.token.scopes, ['a']);
        // Spent: the same match now finds nothing to spend.
        assert.deepEqual((await attempt(right)).result, { status: 'unmatched' });
        // A code issued without a redirect_uri in its request matches null.
        const bare = sha256(newId('code', 30));
        await s.createAuthorizationCode({
          codeHash: bare,
          ...seed,
          redirectUri: null,
          redirectUriGiven: false,
          scopes: ['a'],
          nonce: null,
          codeChallenge: null,
          authTime: new Date(),
          expiresAt,
        });
        const spent = await s.consumeAuthorizationCode(
          bare,
          { id: newId('fam'), expiresAt: new Date(Date.now() + MINUTE) },
          new Date(),
          undefined,
          { appId: seed.appId, redirectUri: null, codeChallenge: null },
        );
        assert.equal(spent.status, 'consumed');
      },
    );

    it(
      'a code whose grant was revoked is not consumed: nothing is written and it stays unconsumed',
      ['consumeAuthorizationCode', 'revokeGrant', 'getAuthorizationCode', 'getRefreshToken'],
      async (s) => {
        const seed = await authorizationSeed(s);
        const codeHash = await newCode(s, seed);
        assert.equal(await s.revokeGrant(seed.companyId, seed.grantId), true);
        const tokenHash = sha256(`refresh-${codeHash}`);
        const result = await s.consumeAuthorizationCode(
          codeHash,
          { id: newId('fam'), expiresAt: new Date(Date.now() + MINUTE) },
          new Date(),
          {
            accessToken: { jti: newId('at', 22), expiresAt: new Date(Date.now() + MINUTE) },
            refreshToken: { tokenHash, expiresAt: new Date(Date.now() + MINUTE) },
          },
        );
        assert.equal(result.status, 'grant-revoked');
        assert.equal(result.status === 'grant-revoked' && result.code.codeHash, codeHash);
        const code = await s.getAuthorizationCode(codeHash);
        assert.equal(code?.consumedAt, null);
        assert.equal(code?.familyId, null);
        assert.equal(await s.getRefreshToken(tokenHash), undefined);
      },
    );

    // SQLite runs one write transaction at a time: there the two cannot interleave.
    if (target.concurrentWriters)
      it(
        'a code exchange racing its grant’s revocation waits for it and consumes nothing',
        ['consumeAuthorizationCode', 'getAuthorizationCode'],
        async (s, { raw }) => {
          const seed = await authorizationSeed(s);
          const codeHash = await newCode(s, seed);
          const revocation = await raw.holdGrantRevocation(seed.grantId);
          let settled = false;
          const exchange = s
            .consumeAuthorizationCode(codeHash, {
              id: newId('fam'),
              expiresAt: new Date(Date.now() + MINUTE),
            })
            .finally(() => {
              settled = true;
            });
          // Unlocked, the exchange would read the grant as live (the revocation is not
          // committed) and create a family the revocation never saw. The pause only gives
          // that wrong behaviour time to show.
          await new Promise((r) => setTimeout(r, 300));
          assert.equal(settled, false, 'the exchange must wait for the grant row');
          await revocation.commit();
          assert.equal((await exchange).status, 'grant-revoked');
          assert.equal((await s.getAuthorizationCode(codeHash))?.consumedAt, null);
        },
      );
  });
}
