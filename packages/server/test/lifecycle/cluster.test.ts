import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { createLogger } from '../../src/logger.ts';
import { type BinProcess, freePort, runBin } from '../bin-process.ts';
import { TEST_SECRET } from '../helpers.ts';
import { forDialects, withTestPostgres } from '../pg.ts';

/**
 * `gatehouse serve --workers N` (docs/deployment.md, "Several processes on one machine"): the
 * real command, its primary and its workers as separate processes on one port. New
 * connections reach both workers; a token revoked through one is refused by the other within
 * the invalidation poll; /metrics adds up every worker; a worker killed with SIGKILL is
 * replaced while the others keep serving; SIGTERM stops them all.
 */

interface Answer {
  status: number;
  body: string;
}

/** One request on a connection of its own (no keep-alive), so node:cluster hands it to the next worker. */
function send(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

interface Cluster extends BinProcess {
  base: string;
}

async function serveCluster(env: Record<string, string>, workers: number): Promise<Cluster> {
  const port = await freePort();
  const run = runBin(['serve', '--workers', String(workers)], { PORT: String(port), ...env });
  const { child, output: out } = run;
  const base = `http://127.0.0.1:${port}`;
  // The primary logs "serving ... with N worker processes" once every worker listens.
  for (let i = 0; i < 1200; i++) {
    if (out().includes(`with ${workers} worker processes`)) return { ...run, base };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  assert.fail(`gatehouse serve --workers ${workers} did not come up:\n${out()}`);
}

/** The JSON log lines a process printed. */
function logLines(out: string): Array<Record<string, unknown>> {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

function workerPids(out: string): number[] {
  const pids = new Set<number>();
  for (const line of logLines(out))
    if (typeof line.worker === 'number' && typeof line.pid === 'number') pids.add(line.pid);
  return [...pids];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`gatehouse serve --workers 2 (${dialect})`, { skip }, () => {
    it('serves one port from two processes that behave as one node', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'));
      const pg = dialect === 'postgres' ? await withTestPostgres() : undefined;
      const env: Record<string, string> = {
        NODE_ENV: 'test',
        // debug: each request is logged with the worker that served it.
        LOG_LEVEL: 'debug',
        GATEHOUSE_DATA_DIR: dir,
        GATEHOUSE_SECRET: TEST_SECRET,
        GATEHOUSE_METRICS_TOKEN: 'metrics-token-0123456789',
        // On PostgreSQL the metrics have a port of their own, served by the primary; on SQLite
        // they are on the main port, where whichever worker answers asks the primary.
        ...(dialect === 'postgres' ? { GATEHOUSE_METRICS_PORT: String(await freePort()) } : {}),
        GATEHOUSE_INVALIDATION_POLL_MS: '100',
        DATABASE_URL: pg ? pg.url : `sqlite:${join(dir, 'gatehouse.db')}`,
      };
      let cluster: Cluster | undefined;
      try {
        const gh = await Gatehouse.open(loadConfig({ env: { ...process.env, ...env } }), {
          logger: createLogger('silent', { pretty: false }),
        });
        const company = await gh.companies.createCompany({ name: 'Acme' }, 'test');
        const { app, clientSecret } = await gh.apps.create(
          {
            companyId: company.id,
            name: 'Machine client',
            scopes: ['users.read'],
            grantTypes: ['client_credentials'],
            tokenFormat: 'opaque',
          },
          'test',
        );
        await gh.close();
        const form = {
          authorization: `Basic ${Buffer.from(`${app.clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        };
        const c = await serveCluster(env, 2);
        cluster = c;
        const tokenRequest = () =>
          send(`${c.base}/oauth2/token`, {
            method: 'POST',
            headers: form,
            body: 'grant_type=client_credentials',
          });

        // Twenty tokens, each on a new connection: both workers serve them.
        const tokens: string[] = [];
        for (let i = 0; i < 20; i++) {
          const res = await tokenRequest();
          assert.equal(res.status, 200, res.body);
          tokens.push((JSON.parse(res.body) as { access_token: string }).access_token);
        }
        const pids = workerPids(c.output());
        assert.equal(pids.length, 2, `two worker processes logged: ${pids.join(', ')}`);
        const served = new Set(
          logLines(c.output())
            .filter((l) => l.msg === 'incoming request' && typeof l.worker === 'number')
            .map((l) => l.worker),
        );
        assert.deepEqual([...served].sort(), [1, 2], 'requests reached both workers');

        // Revoked through one worker, refused by every worker within the invalidation poll.
        const revoked = tokens[0]!;
        const rev = await send(`${c.base}/oauth2/revoke`, {
          method: 'POST',
          headers: form,
          body: new URLSearchParams({ token: revoked }).toString(),
        });
        assert.equal(rev.status, 200, rev.body);
        await new Promise((r) => setTimeout(r, 600));
        for (let i = 0; i < 6; i++) {
          const res = await send(`${c.base}/oauth2/introspect`, {
            method: 'POST',
            headers: form,
            body: new URLSearchParams({ token: i % 2 === 0 ? revoked : tokens[1]! }).toString(),
          });
          assert.equal(res.status, 200, res.body);
          assert.equal(
            (JSON.parse(res.body) as { active: boolean }).active,
            i % 2 === 1,
            `introspection ${i}`,
          );
        }

        // /metrics counts every worker's tokens, whichever worker answers it.
        const metricsUrl = env.GATEHOUSE_METRICS_PORT
          ? `http://127.0.0.1:${env.GATEHOUSE_METRICS_PORT}/metrics`
          : `${c.base}/metrics`;
        for (let i = 0; i < 2; i++) {
          const m = await send(metricsUrl, {
            headers: { authorization: 'Bearer metrics-token-0123456789' },
          });
          assert.equal(m.status, 200, m.body);
          const issued =
            /^gatehouse_tokens_issued_total\{grant_type="client_credentials",token_format="opaque"\} (\d+)$/m.exec(
              m.body,
            );
          assert.equal(issued?.[1], '20', 'the sum over both workers');
        }

        // A worker killed outright is replaced; the other serves meanwhile. (A connection the
        // primary was handing to it at the instant it died waits for the client's timeout: a
        // node:cluster limitation, docs/deployment.md. So the requests start once the primary
        // has seen the exit.)
        const victim = pids[0]!;
        process.kill(victim, 'SIGKILL');
        for (let i = 0; i < 100 && !c.output().includes('a worker process exited'); i++)
          await new Promise((r) => setTimeout(r, 50));
        for (let i = 0; i < 5; i++) assert.equal((await tokenRequest()).status, 200);
        for (let i = 0; i < 600 && !c.output().includes('replacement worker is listening'); i++)
          await new Promise((r) => setTimeout(r, 100));
        assert.match(c.output(), /replacement worker is listening/);
        const now = workerPids(c.output()).filter(alive);
        assert.equal(now.length, 2, `two workers again: ${now.join(', ')}`);
        assert.ok(!now.includes(victim));
        for (let i = 0; i < 4; i++) assert.equal((await tokenRequest()).status, 200);

        // SIGTERM to the primary stops every worker, and the command exits 0.
        c.child.kill('SIGTERM');
        assert.equal(await c.exited, 0, c.output());
        assert.match(c.output(), /Workers: +2/);
        for (const pid of now) assert.equal(alive(pid), false, `worker ${pid} stopped`);
      } finally {
        if (cluster && cluster.child.exitCode === null) {
          cluster.child.kill('SIGKILL');
          for (const pid of workerPids(cluster.output())) if (alive(pid)) process.kill(pid, 'SIGKILL');
        }
        await pg?.cleanup();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('gatehouse serve --workers: refusals', () => {
  it('a bad count is a usage error (exit 2)', async () => {
    const run = runBin(['serve', '--workers', 'many'], { LOG_LEVEL: 'warn' });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /--workers must be "auto" or a whole number from 1 to 64, got "many"/);
  });

  it('a worker that cannot start ends the command with its error (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'));
    try {
      const run = runBin(['serve', '--workers', '2'], {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: String(await freePort()),
        GATEHOUSE_DATA_DIR: dir,
        GATEHOUSE_SECRET: TEST_SECRET,
        // Nothing listens there: the first worker cannot open the database.
        DATABASE_URL: `postgres://gatehouse@127.0.0.1:${await freePort()}/gatehouse`,
        GATEHOUSE_DB_CONNECT_TIMEOUT_MS: '1000',
      });
      assert.equal(await run.exited, 1, run.output());
      assert.match(run.output(), /ECONNREFUSED|connect/i);
      assert.match(run.output(), /a worker process exited with code 1 before it was listening/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
