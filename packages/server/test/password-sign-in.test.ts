import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LoginThrottleConfig } from '../src/authorization/login-throttle.ts';
import { PasswordSignIn, type SignInOutcome } from '../src/authorization/password-sign-in.ts';
import { openStorage, type SqlStorage } from '../src/storage/sql/storage.ts';
import { hashPassword } from '../src/users/password.ts';
import { ScryptPool, type ScryptPoolConfig } from '../src/users/scrypt-pool.ts';
import { forDialects, type TestDatabase, withTestPostgres } from './pg.ts';

// Real scrypt (N = 2^17) throughout: a few hundred ms to seconds a hash on a busy box, so the
// counts stay small. What is asserted is counts and order, never how long anything took.
const PASSWORD = 'correct horse battery staple';
const WRONG = 'Tr0ub4dor&3';
const LOOSE = { perSecond: 1, burst: 1000 };
const TIGHT = (burst: number) => ({ perSecond: 0.0001, burst });

/** The outcome's kind, with the throttle's reason when it has one. */
const kind = (o: SignInOutcome) => (o.kind === 'throttled' ? `throttled:${o.reason}` : o.kind);
const tally = (outcomes: SignInOutcome[]) => {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[kind(o)] = (counts[kind(o)] ?? 0) + 1;
  return counts;
};

/** Resolves once `ready()` holds, checking on every turn of the event loop (no timers asserted). */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100_000; i++) {
    if (ready()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never reached: ${what}`);
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`password sign-in under concurrency (${dialect})`, { skip: skip || false }, () => {
    let storage: SqlStorage;
    let db: TestDatabase | undefined;
    let dir: string | undefined;
    const pools: ScryptPool[] = [];

    before(async () => {
      if (dialect === 'postgres') {
        db = await withTestPostgres();
        storage = openStorage(db.url);
      } else {
        dir = mkdtempSync(join(tmpdir(), 'gh-sign-in-'));
        storage = openStorage(`sqlite:${join(dir, 'gatehouse.db')}`);
      }
      await storage.migrate();
      const passwordHash = await hashPassword(PASSWORD);
      for (const name of ['victim', 'bystander', 'alice', 'bob', 'carol', 'dave', 'erin'])
        await storage.createUser({ id: `usr_${name}`, email: `${name}@acme.test`, name, passwordHash });
      await storage.createUser({ id: 'usr_sso', email: 'sso@acme.test', name: 'sso', passwordHash: null });
    });
    after(async () => {
      await Promise.all(pools.map((p) => p.close()));
      await storage?.close();
      await db?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    function signIn(throttle: LoginThrottleConfig, pool: ScryptPoolConfig = { threads: 2, queueLimit: 32 }) {
      const p = new ScryptPool(pool);
      pools.push(p);
      return { pool: p, service: new PasswordSignIn(storage, p, throttle) };
    }

    it('25 parallel wrong passwords against one account: only the burst is evaluated', async () => {
      const { pool, service } = signIn({
        perAccount: TIGHT(3),
        perIp: LOOSE,
        inFlight: { perAccount: 25, perIp: 25 },
      });
      const outcomes = await Promise.all(
        Array.from({ length: 25 }, (_, i) => service.attempt('Victim@acme.test', WRONG, `10.0.1.${i}`)),
      );
      assert.deepEqual(tally(outcomes), { invalid: 3, 'throttled:rate': 22 });
      assert.equal(pool.completed, 3, 'hashes run');
      for (const o of outcomes) if (o.kind === 'throttled') assert.ok(o.retryAfter >= 1);
    });

    it('attempts in flight are capped per account and per address, refused at once, and released', async () => {
      const { pool, service } = signIn({
        perAccount: LOOSE,
        perIp: LOOSE,
        inFlight: { perAccount: 1, perIp: 2 },
      });
      const order: string[] = [];
      const track = (p: Promise<SignInOutcome>) =>
        p.then((o) => {
          order.push(kind(o));
          return o;
        });
      // One account from three addresses: one hash, two refused before it ends.
      const sameAccount = await Promise.all(
        ['10.0.2.1', '10.0.2.2', '10.0.2.3'].map((ip) =>
          track(service.attempt('alice@acme.test', WRONG, ip)),
        ),
      );
      assert.deepEqual(tally(sameAccount), { invalid: 1, 'throttled:in-flight': 2 });
      assert.deepEqual(order, ['throttled:in-flight', 'throttled:in-flight', 'invalid']);
      for (const o of sameAccount) if (o.kind === 'throttled') assert.equal(o.retryAfter, 1);
      // Three accounts from one address: two hashes, the third refused.
      const sameAddress = await Promise.all(
        ['bob', 'carol', 'dave'].map((u) => service.attempt(`${u}@acme.test`, WRONG, '10.0.2.9')),
      );
      assert.deepEqual(tally(sameAddress), { invalid: 2, 'throttled:in-flight': 1 });
      assert.equal(pool.completed, 3);
      // Finished attempts leave the count: the same account and address are let in again.
      assert.equal(kind(await service.attempt('alice@acme.test', PASSWORD, '10.0.2.9')), 'signed-in');
    });

    it("a burst from one address does not hold up another person's sign-in from another", async () => {
      const { pool, service } = signIn(
        { perAccount: LOOSE, perIp: LOOSE, inFlight: { perAccount: 10, perIp: 10 } },
        { threads: 1, queueLimit: 32 },
      );
      const finished: string[] = [];
      const burst = Array.from({ length: 4 }, () =>
        service.attempt('victim@acme.test', WRONG, '10.6.6.6').then((o) => {
          finished.push('attacker');
          return o;
        }),
      );
      await until(() => pool.running === 1 && pool.queued === 3, 'the burst is queued');
      const mine = await service.attempt('bystander@acme.test', PASSWORD, '10.0.3.1');
      finished.push('bystander');
      assert.equal(kind(mine), 'signed-in');
      // The burst's hash already running when the bystander came ends first (two, should that one
      // end just as the bystander's request reaches the pool); first come, first served ran all four.
      const burstBefore = finished.indexOf('bystander');
      assert.ok(burstBefore <= 2, `${burstBefore} of the burst's hashes ran before the bystander's`);
      assert.deepEqual(tally(await Promise.all(burst)), { invalid: 4 });
    });

    it('a success gives its tokens back: successes never use up the allowance, failures still do', async () => {
      const perAccount = signIn({ perAccount: TIGHT(1), perIp: LOOSE }).service;
      assert.equal(kind(await perAccount.attempt('erin@acme.test', PASSWORD, '10.0.4.1')), 'signed-in');
      assert.equal(kind(await perAccount.attempt('erin@acme.test', PASSWORD, '10.0.4.1')), 'signed-in');
      assert.equal(kind(await perAccount.attempt('erin@acme.test', WRONG, '10.0.4.1')), 'invalid');
      assert.equal(kind(await perAccount.attempt('erin@acme.test', PASSWORD, '10.0.4.1')), 'throttled:rate');

      const perAddress = signIn({ perAccount: LOOSE, perIp: TIGHT(1) }).service;
      assert.equal(kind(await perAddress.attempt('alice@acme.test', PASSWORD, '10.0.4.2')), 'signed-in');
      assert.equal(kind(await perAddress.attempt('bob@acme.test', PASSWORD, '10.0.4.2')), 'signed-in');
      assert.equal(kind(await perAddress.attempt('carol@acme.test', WRONG, '10.0.4.2')), 'invalid');
      assert.equal(kind(await perAddress.attempt('dave@acme.test', PASSWORD, '10.0.4.2')), 'throttled:rate');
    });

    it('an unknown e-mail, or an account without a password, is hashed, counted and capped like a real one', async () => {
      const { pool, service } = signIn({
        perAccount: TIGHT(1),
        perIp: LOOSE,
        inFlight: { perAccount: 1, perIp: 10 },
      });
      for (const email of ['carol@acme.test', 'nobody@acme.test', 'sso@acme.test']) {
        const before = pool.completed;
        const parallel = await Promise.all([
          service.attempt(email, WRONG, '10.0.5.1'),
          service.attempt(email, WRONG, '10.0.5.2'),
        ]);
        assert.deepEqual(tally(parallel), { invalid: 1, 'throttled:in-flight': 1 }, email);
        assert.equal(pool.completed - before, 1, `${email}: one hash`);
        assert.equal(kind(await service.attempt(email, WRONG, '10.0.5.3')), 'throttled:rate', email);
        assert.equal(pool.completed - before, 1, `${email}: no hash when throttled`);
      }
    });

    it('an over-long e-mail is hashed and counted like any other, under its first 254 characters', async () => {
      const { pool, service } = signIn({ perAccount: TIGHT(1), perIp: LOOSE });
      const long = `${'a'.repeat(300)}@acme.test`;
      assert.equal(kind(await service.attempt(long, WRONG, '10.0.8.1')), 'invalid');
      assert.equal(kind(await service.attempt(`${long}.other`, WRONG, '10.0.8.2')), 'throttled:rate');
      assert.equal(pool.completed, 1);
    });

    it('an IPv6 address counts by its /64, an IPv4-mapped one as its IPv4 address', async () => {
      const { pool, service } = signIn({ perAccount: LOOSE, perIp: TIGHT(1) });
      assert.equal(kind(await service.attempt('bob@acme.test', WRONG, '2001:db8:0:7::1')), 'invalid');
      assert.equal(kind(await service.attempt('bob@acme.test', WRONG, '2001:db8:0:7::2')), 'throttled:rate');
      assert.equal(kind(await service.attempt('bob@acme.test', WRONG, '2001:db8:0:8::1')), 'invalid');
      assert.equal(kind(await service.attempt('bob@acme.test', WRONG, '::ffff:10.0.7.1')), 'invalid');
      assert.equal(kind(await service.attempt('bob@acme.test', WRONG, '10.0.7.1')), 'throttled:rate');
      assert.equal(pool.completed, 3);
    });

    it('a full hash queue refuses at once (busy, with Retry-After) and gives the attempt back', async () => {
      const { pool, service } = signIn(
        { perAccount: TIGHT(1), perIp: LOOSE, inFlight: { perAccount: 5, perIp: 5 } },
        { threads: 1, queueLimit: 0 },
      );
      const first = service.attempt('dave@acme.test', WRONG, '10.0.6.1');
      await until(() => pool.running === 1, 'the first hash runs');
      const second = await service.attempt('erin@acme.test', WRONG, '10.0.6.2');
      assert.equal(second.kind, 'busy');
      assert.ok(second.kind === 'busy' && second.retryAfter >= 1);
      assert.equal(kind(await first), 'invalid');
      // The refused attempt spent none of erin's single try.
      assert.equal(kind(await service.attempt('erin@acme.test', WRONG, '10.0.6.2')), 'invalid');
      assert.equal(pool.completed, 2);
    });
  });
});
