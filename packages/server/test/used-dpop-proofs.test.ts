import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadRedis } from '../src/limits/redis.ts';
import { SharedLimits } from '../src/limits/shared-limits.ts';
import { UsedDpopProofs } from '../src/limits/used-proofs.ts';
import { openStorage } from '../src/storage/sql/storage.ts';
import { sha256 } from '../src/util/hash.ts';
import { closedPort, dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix, withRedis } from './redis.ts';

const soon = () => new Date(Date.now() + 60_000);

// SharedLimits takes ioredis's client class from limits/redis.ts, loaded once here.
await loadRedis();

await withRedis((skip) => {
  describe('used DPoP proofs, shared by every node', { skip }, () => {
    const storage = openStorage('sqlite::memory:');
    const open: SharedLimits[] = [];
    const prefix = testRedisPrefix();
    const node = (url = TEST_REDIS_URL) => {
      const limits = new SharedLimits({ url, prefix, commandTimeoutMs: 150, retryAfterMs: 200 });
      open.push(limits);
      limits.start();
      return limits;
    };
    after(async () => {
      for (const l of open) await l.close();
      await dropRedisPrefix(prefix);
      await storage.close();
    });

    it('through Redis (SET NX PX): a proof is accepted once across two nodes, and never reaches the table', async () => {
      await storage.migrate();
      const [a, b] = [node(), node()];
      for (let i = 0; i < 50 && !(a.usable && b.usable); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(a.usable && b.usable, 'both nodes connected to Redis');
      const [ledgerA, ledgerB] = [new UsedDpopProofs(storage, a), new UsedDpopProofs(storage, b)];
      const proof = sha256(`jkt.${crypto.randomUUID()}`);
      const results = await Promise.all([ledgerA.firstUse(proof, soon()), ledgerB.firstUse(proof, soon())]);
      assert.deepEqual(results.sort(), [false, true]);
      assert.equal(await ledgerA.firstUse(proof, soon()), false);
      // Recorded in Redis only: the table still takes it (it is where an outage falls back to).
      assert.equal(await storage.useDpopProof(proof, soon()), true);
    });

    it('Redis unreachable: the table decides, one use each', async () => {
      const down = node(`redis://127.0.0.1:${await closedPort()}`);
      const ledger = new UsedDpopProofs(storage, down);
      const proof = sha256(`jkt.${crypto.randomUUID()}`);
      assert.equal(await ledger.firstUse(proof, soon()), true);
      assert.equal(await ledger.firstUse(proof, soon()), false);
    });
  });
});
