import assert from 'node:assert/strict';
import { randomFill, scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { HashQueueFull, ScryptPool } from '../src/users/scrypt-pool.ts';

// These tests are about who runs when, not about password strength: a cheap cost keeps them quick.
const CHEAP = { N: 1024, r: 8, p: 1, maxmem: 32 * 1024 * 1024 };
const SALT = Buffer.from('0123456789abcdef');

describe('scrypt pool (the sign-in hashes’ own threads)', () => {
  it('derives the same key as node:crypto', async () => {
    const pool = new ScryptPool({ threads: 2, queueLimit: 4 });
    try {
      const key = await pool.hash('10.0.0.1', 'secret', SALT, 32, CHEAP);
      assert.deepEqual(key, scryptSync('secret', SALT, 32, CHEAP));
      assert.equal(pool.completed, 1);
    } finally {
      await pool.close();
    }
  });

  it('serves lanes in turn: a burst from one lane waits behind itself, not in front of others', async () => {
    const pool = new ScryptPool({ threads: 1, queueLimit: 32 });
    const order: string[] = [];
    const run = (lane: string, name: string) =>
      pool.hash(lane, name, SALT, 32, CHEAP).then(() => order.push(name));
    try {
      // Queued in one go, before any ends: FIFO would run a1..a4 before b1 and c1.
      const jobs = [
        run('a', 'a1'),
        run('a', 'a2'),
        run('a', 'a3'),
        run('a', 'a4'),
        run('b', 'b1'),
        run('c', 'c1'),
        run('b', 'b2'),
      ];
      assert.equal(pool.running, 1);
      assert.equal(pool.queued, 6);
      await Promise.all(jobs);
      assert.deepEqual(order, ['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4']);
    } finally {
      await pool.close();
    }
  });

  it('a lane with nothing waiting or running is forgotten: one address each, the pool keeps nothing', async () => {
    const pool = new ScryptPool({ threads: 2, queueLimit: 32 });
    try {
      for (let i = 0; i < 20; i++) await pool.hash(`10.0.1.${i}`, 'p', SALT, 32, CHEAP);
      assert.equal(pool.lanesBusy, 0);
      const lanes = [1, 2, 3, 4].map((i) => pool.hash(`10.0.2.${i}`, 'p', SALT, 32, CHEAP));
      assert.equal(pool.lanesBusy, 4);
      await Promise.all(lanes);
      assert.equal(pool.lanesBusy, 0);
    } finally {
      await pool.close();
    }
  });

  it('refuses at once when every thread is busy and the queue is full, and takes hashes again after', async () => {
    const pool = new ScryptPool({ threads: 1, queueLimit: 2 });
    try {
      const accepted = [1, 2, 3].map((i) => pool.hash(`10.0.0.${i}`, 'p', SALT, 32, CHEAP));
      await assert.rejects(pool.hash('10.0.0.4', 'p', SALT, 32, CHEAP), (err: unknown) => {
        assert.ok(err instanceof HashQueueFull);
        assert.ok(err.retryAfterSeconds >= 1);
        return true;
      });
      await Promise.all(accepted);
      assert.equal(pool.completed, 3);
      await pool.hash('10.0.0.4', 'p', SALT, 32, CHEAP);
      assert.equal(pool.completed, 4);
    } finally {
      await pool.close();
    }
  });

  it("leaves libuv's pool free: a pool job started behind a full scrypt queue ends before any hash", async () => {
    const pool = new ScryptPool({ threads: 2, queueLimit: 8 });
    const real = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };
    let hashesDone = 0;
    try {
      const hashes = [1, 2].map((i) =>
        pool.hash(`10.0.0.${i}`, 'p', SALT, 32, real).then(() => hashesDone++),
      );
      await new Promise<void>((resolve, reject) =>
        randomFill(new Uint8Array(16), (err) => (err ? reject(err) : resolve())),
      );
      assert.equal(hashesDone, 0);
      await Promise.all(hashes);
      assert.equal(hashesDone, 2);
    } finally {
      await pool.close();
    }
  });

  it('close fails the hashes still running or waiting', async () => {
    const pool = new ScryptPool({ threads: 1, queueLimit: 4 });
    const running = pool.hash('a', 'p', SALT, 32, { ...CHEAP, N: 2 ** 17, maxmem: 256 * 1024 * 1024 });
    const waiting = pool.hash('b', 'p', SALT, 32, CHEAP);
    const failures = Promise.all([assert.rejects(running, /stopped/), assert.rejects(waiting, /closed/)]);
    await pool.close();
    await failures;
    assert.equal(pool.queued, 0);
    assert.equal(pool.running, 0);
    assert.equal(pool.lanesBusy, 0);
  });

  it('needs at least one thread', () => {
    assert.throws(() => new ScryptPool({ threads: 0, queueLimit: 1 }), /at least one thread/);
  });
});
