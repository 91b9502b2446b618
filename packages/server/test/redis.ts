import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { it } from 'node:test';
import { Redis } from 'ioredis';

/**
 * Redis for tests, at GATEHOUSE_TEST_REDIS_URL (default redis://127.0.0.1:6379). Tests share
 * the server, so each takes a key prefix of its own ({@link testRedisPrefix}) and removes its
 * keys after.
 *
 * GATEHOUSE_TEST_REDIS decides what happens when the server cannot be reached, as
 * GATEHOUSE_TEST_PG does for PostgreSQL (pg.ts):
 * - `required` (CI): the suite fails;
 * - `off`: Redis suites are skipped without trying;
 * - anything else: they are skipped with a message saying why.
 */
export const TEST_REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function redisMode(): 'required' | 'auto' | 'off' {
  const v = (process.env.GATEHOUSE_TEST_REDIS ?? '').toLowerCase();
  if (v === 'required' || v === '1' || v === 'true') return 'required';
  if (v === 'off' || v === '0' || v === 'false') return 'off';
  return 'auto';
}

let reachable: Promise<string | undefined> | undefined;

/** Undefined when Redis answers PING; otherwise why not. Checked once per process. */
function redisProblem(): Promise<string | undefined> {
  reachable ??= (async () => {
    const client = new Redis(TEST_REDIS_URL, {
      lazyConnect: true,
      connectTimeout: 2000,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return undefined;
    } catch (err) {
      return `${TEST_REDIS_URL}: ${(err as Error).message}`;
    } finally {
      client.disconnect();
    }
  })();
  return reachable;
}

/**
 * Registers a Redis suite: runs it when Redis answers, registers it skipped (with the reason)
 * when it does not, and a failing test instead when GATEHOUSE_TEST_REDIS=required.
 */
export async function withRedis(register: (skip: string | false) => void): Promise<void> {
  const mode = redisMode();
  if (mode === 'off') return register('GATEHOUSE_TEST_REDIS=off');
  const problem = await redisProblem();
  if (problem === undefined) return register(false);
  if (mode === 'required') {
    it('Redis is reachable (GATEHOUSE_TEST_REDIS=required)', () => {
      throw new Error(`GATEHOUSE_TEST_REDIS=required but Redis is unreachable: ${problem}`);
    });
    return;
  }
  register(`Redis unreachable (${problem}); set GATEHOUSE_TEST_REDIS=required to make this fail`);
}

/** A key prefix no other test uses. */
export function testRedisPrefix(): string {
  return `gh-test-${randomBytes(6).toString('hex')}`;
}

/** Deletes every key under `prefix` (after a test). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { retryStrategy: () => null });
  client.on('error', () => {});
  try {
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

/** A local port nothing listens on (bound, then closed at once): Redis "down". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
