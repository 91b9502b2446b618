import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { errorLines } from '../dialect-server.ts';
import { forDialects } from '../pg.ts';
import { fuzzSeed } from './hostile.ts';
import { managementProperties } from './management-requests.ts';
import { oauthProperties } from './oauth-requests.ts';
import { pageProperties } from './page-requests.ts';
import { assertAnswer, type FuzzTarget, openTarget } from './target.ts';

/**
 * Property-based fuzzing of every endpoint that takes input from strangers (issue 15,
 * build item 4): generated hostile requests, in-process, on SQLite and PostgreSQL. Each
 * answer must be below 500, in the documented error shape of its endpoint (docs/errors.md),
 * and free of stack traces; nothing may be logged at error level. Bounded: RUNS requests per
 * property (times its weight; GATEHOUSE_FUZZ_RUNS to change it) from one seed per run, which
 * fast-check prints with the counterexample; GATEHOUSE_FUZZ_SEED=<seed> replays it.
 */
const RUNS = Number(process.env.GATEHOUSE_FUZZ_RUNS) || 60;
const SEED = fuzzSeed();

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`fuzz: hostile input never breaks an endpoint (${dialect}, seed ${SEED})`, {
    skip: skip || false,
  }, () => {
    let t: FuzzTarget;
    before(async () => {
      t = await openTarget(dialect);
    });
    after(async () => t?.s.close());

    for (const p of [...oauthProperties, ...pageProperties, ...managementProperties])
      it(p.name, async () => {
        await fc.assert(
          fc.asyncProperty(p.requests(t), async (r) => {
            const res = await t.s.http.inject({
              method: r.method,
              url: r.url,
              headers: r.headers,
              ...(r.payload ? { payload: r.payload } : {}),
            });
            assertAnswer(p.family, res);
          }),
          { numRuns: Math.max(3, Math.round(RUNS * p.runs)), seed: SEED },
        );
      });

    it('nothing was logged at error level', () => {
      assert.deepEqual(errorLines(t.s), []);
    });
  });
});
