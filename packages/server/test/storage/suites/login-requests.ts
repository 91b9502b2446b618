import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { sha256 } from '../../../src/util/hash.ts';
import { newId } from '../../../src/util/random.ts';
import { newUser } from '../fixtures.ts';
import type { SuiteContext } from '../suite-context.ts';

const MINUTE = 60_000;

function request(sessionHash: string, expiresAt = new Date(Date.now() + MINUTE)) {
  return {
    challengeHash: sha256(newId('challenge')),
    sessionHash,
    flowId: newId('flow'),
    returnTo: null,
    sessionUserId: null,
    expiresAt,
  };
}

/** Login requests delegated to the login application: answered once, claimed once, by their session. */
export function loginRequestTests({ it }: SuiteContext): void {
  describe('login requests', () => {
    it(
      'a login request is answered once, while pending and unexpired',
      ['createLoginRequest', 'getLoginRequest', 'answerLoginRequest'],
      async (s) => {
        const user = await newUser(s);
        const r = await s.createLoginRequest(request(sha256(newId('sess'))));
        assert.equal(r.status, 'pending');
        assert.deepEqual(await s.getLoginRequest(r.challengeHash), r);
        assert.equal(await s.getLoginRequest(sha256('unknown')), undefined);
        const answers = await Promise.all(
          [0, 1, 2].map((i) =>
            s.answerLoginRequest(r.challengeHash, { status: 'accepted', userId: user.id }, sha256(`v${i}`)),
          ),
        );
        assert.equal(answers.filter(Boolean).length, 1, 'exactly one answer wins');
        const answered = await s.getLoginRequest(r.challengeHash);
        assert.equal(answered?.status, 'accepted');
        assert.equal(answered?.userId, user.id);
        assert.equal(
          await s.answerLoginRequest(
            r.challengeHash,
            { status: 'rejected', error: 'access_denied', errorDescription: null },
            sha256('late'),
          ),
          false,
          'answered already',
        );

        const old = await s.createLoginRequest(request(sha256(newId('sess'))));
        assert.equal(await s.getLoginRequest(old.challengeHash, old.expiresAt), undefined, 'expired');
        assert.equal(
          await s.answerLoginRequest(
            old.challengeHash,
            { status: 'accepted', userId: user.id },
            sha256(newId('v')),
            old.expiresAt,
          ),
          false,
          'expired requests take no answer',
        );
      },
    );

    it(
      'an answered request is claimed once, by the session that started it, before it expires',
      ['createLoginRequest', 'answerLoginRequest', 'claimLoginVerifier'],
      async (s) => {
        const session = sha256(newId('sess'));
        const r = await s.createLoginRequest(request(session));
        const verifier = sha256(newId('verifier'));
        assert.equal(await s.claimLoginVerifier(verifier, session), undefined, 'not answered yet');
        await s.answerLoginRequest(
          r.challengeHash,
          { status: 'rejected', error: 'access_denied', errorDescription: 'not today' },
          verifier,
        );
        assert.equal(await s.claimLoginVerifier(verifier, sha256('another browser')), undefined);
        const claims = await Promise.all([0, 1, 2].map(() => s.claimLoginVerifier(verifier, session)));
        const won = claims.filter((c) => c !== undefined);
        assert.equal(won.length, 1, 'exactly one claim wins');
        assert.equal(won[0]?.status, 'rejected');
        assert.equal(won[0]?.error, 'access_denied');
        assert.equal(won[0]?.errorDescription, 'not today');
        assert.equal(won[0]?.flowId, r.flowId);
        assert.equal(await s.claimLoginVerifier(verifier, session), undefined, 'replayed');
        assert.equal(await s.getLoginRequest(r.challengeHash), undefined, 'gone once claimed');

        const late = await s.createLoginRequest(request(session));
        const lateVerifier = sha256(newId('verifier'));
        await s.answerLoginRequest(
          late.challengeHash,
          { status: 'accepted', userId: (await newUser(s)).id },
          lateVerifier,
        );
        assert.equal(await s.claimLoginVerifier(lateVerifier, session, late.expiresAt), undefined, 'expired');
      },
    );
  });
}
