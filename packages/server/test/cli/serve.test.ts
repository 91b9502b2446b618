import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../bin-process.ts';
import { TEST_SECRET } from '../helpers.ts';

const { threadpoolSize } = createRequire(import.meta.url)('../../bin/threadpool.cjs') as {
  threadpoolSize(cores: number): number;
};
const bin = new URL('../../bin/gatehouse.cjs', import.meta.url).pathname;

/** `gatehouse serve --json` on a fresh data directory, once /readyz answers. */
async function startServe(env: Record<string, string | undefined> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-serve-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--json'], {
    env: {
      ...process.env,
      GATEHOUSE_DATA_DIR: dir,
      GATEHOUSE_SECRET: TEST_SECRET,
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const base = `http://127.0.0.1:${port}`;
  const cleanup = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  let ready = false;
  for (let i = 0; i < 200 && !ready; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
  }
  if (!ready) {
    cleanup();
    assert.fail(`server did not come up:\n${out}`);
  }
  return { child, base, out: () => out, cleanup };
}

test('gatehouse serve runs the server without demo data and stops cleanly on SIGTERM', async () => {
  const s = await startServe({ GATEHOUSE_SCRYPT_THREADS: '3' });
  try {
    const meta = (await (await fetch(`${s.base}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
    };
    assert.equal(meta.issuer, s.base);
    assert.ok(!s.out().includes('Demo Company'), 'serve seeds no demo data');
    const pool = Number(/"threadpool":(\d+)/.exec(s.out())?.[1]);
    const expected = process.env.UV_THREADPOOL_SIZE
      ? Number(process.env.UV_THREADPOOL_SIZE)
      : threadpoolSize(availableParallelism());
    assert.equal(pool, expected, 'the startup log names the pool size');
    const scrypt = Number(/"scryptThreads":(\d+)/.exec(s.out())?.[1]);
    assert.equal(scrypt, 3, 'and the sign-ins’ scrypt threads (GATEHOUSE_SCRYPT_THREADS)');
    const exited = new Promise<number | null>((r) => s.child.on('exit', (code) => r(code)));
    s.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const result = /\{\s*"stopped"[\s\S]*\}\s*$/.exec(s.out())?.[0] ?? '';
    assert.deepEqual(JSON.parse(result), { stopped: true, signal: 'SIGTERM', url: s.base, workers: 1 });
  } finally {
    s.cleanup();
  }
});

test('the thread pool policy: 2 threads up to 3 cores, one per core beyond the event loop, at most 4', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 8, 64].map((cores) => threadpoolSize(cores)),
    [2, 2, 2, 3, 4, 4, 4],
  );
});

test('an operator-set UV_THREADPOOL_SIZE wins over the policy', () => {
  const script = 'require(process.argv[1]); console.log(process.env.UV_THREADPOOL_SIZE)';
  const path = new URL('../../bin/threadpool.cjs', import.meta.url).pathname;
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['-e', script, path], { env: { PATH: process.env.PATH ?? '', ...env } })
      .stdout.toString()
      .trim();
  assert.equal(run({ UV_THREADPOOL_SIZE: '7' }), '7');
  assert.equal(run({}), String(threadpoolSize(availableParallelism())));
});

// The size only counts if it is set before libuv starts its pool, which Node's ES module
// loader does early. Counted in threads: `gatehouse serve` left to its policy must run as many
// as with that size given explicitly, and fewer than with libuv's default of 4.
test('the bin sizes the pool before libuv starts it (thread count, Linux)', {
  skip: existsSync('/proc/self/task') ? false : 'needs /proc',
}, async () => {
  const policy = threadpoolSize(availableParallelism());
  const threads = async (size: string | undefined) => {
    const s = await startServe({ UV_THREADPOOL_SIZE: size });
    try {
      // Let startup's pool jobs and lazily started threads settle.
      await new Promise((r) => setTimeout(r, 300));
      return readdirSync(`/proc/${s.child.pid}/task`).length;
    } finally {
      s.cleanup();
    }
  };
  const byPolicy = await threads(undefined);
  assert.equal(byPolicy, await threads(String(policy)));
  assert.equal((await threads('4')) - byPolicy, 4 - policy);
});
