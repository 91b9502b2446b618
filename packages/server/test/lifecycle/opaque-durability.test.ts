import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { createLogger } from '../../src/logger.ts';
import { freePort, runBin } from '../bin-process.ts';
import { TEST_SECRET } from '../helpers.ts';
import { forDialects, withTestPostgres } from '../pg.ts';

/**
 * The durability promise of opaque access tokens (docs/tokens.md): a token the token endpoint
 * answered with was committed first, even though tokens issued together share one commit
 * (group commit). The node is killed with SIGKILL while requests are in flight; every token it
 * had answered with introspects active on the node started after it.
 */
interface Node {
  base: string;
  child: ChildProcess;
}

async function serve(env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const { child, output } = runBin(['serve', '--json'], { PORT: String(port), LOG_LEVEL: 'warn', ...env });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { base, child };
    if (child.exitCode !== null) break;
  }
  child.kill('SIGKILL');
  assert.fail(`gatehouse serve did not come up:\n${output()}`);
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

await forDialects(['sqlite', 'postgres'], (dialect, skip) => {
  describe(`opaque access tokens survive kill -9 (${dialect})`, { skip }, () => {
    it('every token answered before the kill introspects active after a restart', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-opaque-'));
      const pg = dialect === 'postgres' ? await withTestPostgres() : undefined;
      const env: Record<string, string> = {
        NODE_ENV: 'test',
        GATEHOUSE_DATA_DIR: dir,
        GATEHOUSE_SECRET: TEST_SECRET,
        DATABASE_URL: pg ? pg.url : `sqlite:${join(dir, 'gatehouse.db')}`,
        // The token endpoint's buckets would otherwise end the burst early.
        GATEHOUSE_TOKEN_RATE_CLIENT: '1000000,2000000',
        GATEHOUSE_TOKEN_RATE_IP: '1000000,2000000',
      };
      const nodes: ChildProcess[] = [];
      try {
        const gh = await Gatehouse.open(loadConfig({ env: { ...process.env, ...env } }), {
          logger: createLogger('silent', { pretty: false }),
        });
        const company = await gh.companies.createCompany({ name: 'Acme' }, 'test');
        const { app, clientSecret } = await gh.apps.create(
          {
            companyId: company.id,
            name: 'Opaque machine client',
            scopes: ['users.read'],
            grantTypes: ['client_credentials'],
            tokenFormat: 'opaque',
          },
          'test',
        );
        await gh.close();
        const basic = `Basic ${Buffer.from(`${app.clientId}:${clientSecret}`).toString('base64')}`;

        const first = await serve(env);
        nodes.push(first.child);
        const answered: string[] = [];
        let stop = false;
        // 16 requests in flight at a time, so that tokens are committed in groups.
        const loop = async () => {
          while (!stop) {
            try {
              const res = await fetch(`${first.base}/oauth2/token`, {
                method: 'POST',
                headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
                body: 'grant_type=client_credentials',
              });
              if (res.status !== 200) continue;
              const body = (await res.json()) as { access_token: string };
              answered.push(body.access_token);
              if (answered.length >= 400) {
                stop = true;
                // At once, with the other requests still in flight.
                first.child.kill('SIGKILL');
              }
            } catch {
              return; // the node is gone
            }
          }
        };
        await Promise.all(Array.from({ length: 16 }, loop));
        await killed(first.child);
        assert.ok(answered.length >= 400, `${answered.length} tokens answered before the kill`);

        const second = await serve(env);
        nodes.push(second.child);
        const inactive: string[] = [];
        for (const token of answered) {
          const res = await fetch(`${second.base}/oauth2/introspect`, {
            method: 'POST',
            headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ token }).toString(),
          });
          assert.equal(res.status, 200);
          const body = (await res.json()) as { active: boolean; client_id?: string };
          if (!body.active || body.client_id !== app.clientId) inactive.push(token.slice(0, 12));
        }
        assert.deepEqual(inactive, [], 'every answered token is active after the restart');
      } finally {
        for (const c of nodes) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
        await Promise.all(nodes.map(killed));
        await pg?.cleanup();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
