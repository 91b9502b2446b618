import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AssertionReplayGuard } from '../../src/apps/assertion-replay.ts';
import { SharedLimits } from '../../src/limits/shared-limits.ts';
import { openStorage, type SqlStorage } from '../../src/storage/sql/storage.ts';
import { closedPort, dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix, withRedis } from '../redis.ts';

await withRedis((skip) => {
  describe('client assertion jti single use through Redis', { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-jti-'));
    const storages: SqlStorage[] = [];
    const limits: SharedLimits[] = [];
    const prefix = testRedisPrefix();
    after(async () => {
      for (const l of limits) await l.close();
      for (const s of storages) await s.close();
      await dropRedisPrefix(prefix);
      rmSync(dir, { recursive: true, force: true });
    });

    /** A node: its own database (so only Redis can tell it of another node's jti) and Redis at `url`. */
    async function node(name: string, url = TEST_REDIS_URL) {
      const storage = openStorage(`sqlite:${join(dir, `${name}.db`)}`);
      await storage.migrate();
      storages.push(storage);
      const shared = await SharedLimits.open({ url, prefix, commandTimeoutMs: 150, retryAfterMs: 200 });
      limits.push(shared);
      shared.start();
      const end = Date.now() + 3000;
      while (url === TEST_REDIS_URL && !shared.usable && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      return { guard: new AssertionReplayGuard(storage, shared), storage };
    }

    it('a jti used on one node is refused on another (Redis SET NX PX)', async () => {
      const [a, b] = [await node('a'), await node('b')];
      const until = new Date(Date.now() + 60_000);
      assert.equal(await a.guard.useJti('cl_x', 'jti-1', until), true);
      assert.equal(await b.guard.useJti('cl_x', 'jti-1', until), false, 'the other node sees it');
      assert.equal(await a.guard.useJti('cl_x', 'jti-1', until), false);
      assert.equal(await b.guard.useJti('cl_y', 'jti-1', until), true, 'per client');
    });

    it('with Redis down, the database decides (never fails open)', async () => {
      const down = await node('down', `redis://127.0.0.1:${await closedPort()}`);
      const until = new Date(Date.now() + 60_000);
      assert.equal(await down.guard.useJti('cl_x', 'jti-2', until), true);
      assert.equal(await down.guard.useJti('cl_x', 'jti-2', until), false);
    });
  });
});
