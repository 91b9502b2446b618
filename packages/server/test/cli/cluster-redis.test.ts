import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, runBin } from '../bin-process.ts';
import { TEST_SECRET, testServer } from '../helpers.ts';
import { postgresSkip, type TestDatabase, withTestPostgres } from '../pg.ts';
import { closedPort, dropRedisPrefix, TEST_REDIS_URL, testRedisPrefix, withRedis } from '../redis.ts';

const METRICS_TOKEN = 'cluster-metrics-token-0123456789';

interface Node {
  base: string;
  out(): string;
  stop(): Promise<void>;
}

/** `gatehouse serve` as its own process, once /readyz answers. */
async function serve(env: Record<string, string>): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'));
  const port = await freePort();
  const { child, output } = runBin(['serve', '--json'], {
    NODE_ENV: 'test',
    GATEHOUSE_DATA_DIR: dir,
    GATEHOUSE_SECRET: TEST_SECRET,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    GATEHOUSE_METRICS_TOKEN: METRICS_TOKEN,
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { base, out: output, stop };
    if (child.exitCode !== null) break;
  }
  await stop();
  assert.fail(`gatehouse serve did not come up:\n${output()}`);
}

function token(node: Node, app: { clientId: string; clientSecret: string }): Promise<number> {
  return fetch(`${node.base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
    }),
  }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });
}

/** A counter's value from a node's /metrics (0 when absent). */
async function counter(node: Node, name: string): Promise<number> {
  const text = await (
    await fetch(`${node.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

/** Six tokens per client for the whole cluster, given back one every 100 s. */
const RATE = '0.01,6';

const pgSkip = await postgresSkip();
await withRedis((redisSkip) => {
  const skip = redisSkip || (pgSkip instanceof Error ? false : pgSkip);
  describe('two gatehouse serve nodes on one PostgreSQL database, sharing limits through Redis', {
    skip,
  }, () => {
    let db: TestDatabase;
    const prefix = testRedisPrefix();
    let app: { clientId: string; clientSecret: string };
    let other: { clientId: string; clientSecret: string };

    before(async () => {
      if (pgSkip instanceof Error) throw pgSkip;
      db = await withTestPostgres();
      const setup = await testServer({ config: { databaseUrl: db.url } });
      try {
        app = await setup.createApp({ grantTypes: ['client_credentials'] });
        other = await setup.createApp({ grantTypes: ['client_credentials'] });
      } finally {
        await setup.close();
      }
    });
    after(async () => {
      await dropRedisPrefix(prefix);
      await db?.cleanup();
    });

    it('the per-client limit holds across both: requests alternating between them count as one client', async () => {
      const env = {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        GATEHOUSE_REDIS_PREFIX: prefix,
        GATEHOUSE_TOKEN_RATE_CLIENT: RATE,
      };
      const [a, b] = await Promise.all([serve(env), serve(env)]);
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 10; i++) statuses.push(await token(i % 2 === 0 ? a : b, app));
        // In memory each node would allow 6 (12 in all); shared, the cluster allows 6.
        assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
        assert.equal(await token(b, other), 200, 'another client has its own allowance');
        assert.equal(await counter(a, 'gatehouse_shared_limits_fallbacks_total'), 0);
        assert.equal(await counter(b, 'gatehouse_shared_limits_fallbacks_total'), 0);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });

    it('with Redis at a closed port, requests keep succeeding (each node limits alone) and it is said', async () => {
      const env = {
        DATABASE_URL: db.url,
        REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
        GATEHOUSE_REDIS_PREFIX: prefix,
        GATEHOUSE_TOKEN_RATE_CLIENT: RATE,
      };
      const [a, b] = await Promise.all([serve(env), serve(env)]);
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) statuses.push(await token(i % 2 === 0 ? a : b, other));
        assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200]);
        assert.ok((await counter(a, 'gatehouse_shared_limits_fallbacks_total')) >= 4);
        assert.match(a.out(), /Redis \(REDIS_URL\) is unreachable/);
        const warnings = a.out().match(/Redis \(REDIS_URL\) is unreachable/g) ?? [];
        assert.equal(warnings.length, 1, 'warned once, not once per request');
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });
  });
});
