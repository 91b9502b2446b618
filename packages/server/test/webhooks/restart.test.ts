import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { Gatehouse } from '../../src/gatehouse.ts';
import { createLogger } from '../../src/logger.ts';
import { TEST_SECRET } from '../helpers.ts';
import { startReceiver } from './receiver.ts';

const fixture = new URL('../fixtures/webhook-node.ts', import.meta.url).pathname;

function startNode(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`node exited early (${code}): ${err}`)));
  });
}

describe('webhook outbox across a crash', () => {
  it('a node killed between attempts does not lose or duplicate the event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-wh-'));
    const env = {
      ...process.env,
      GATEHOUSE_DATA_DIR: dir,
      GATEHOUSE_SECRET: TEST_SECRET,
      GATEHOUSE_WEBHOOK_POLL_MS: '50',
      GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '1,1,1',
      LOG_LEVEL: 'warn',
    };
    const rx = await startReceiver((n) => (n === 1 ? 503 : 200));
    const config = loadConfig({ env: { ...env, GATEHOUSE_WEBHOOKS: 'off' } });
    const gh = await Gatehouse.open(config, { logger: createLogger('silent', { pretty: false }) });
    const children: ChildProcess[] = [];
    try {
      const company = await gh.companies.createCompany({ name: 'Acme' }, 'test');
      const { endpoint } = await gh.webhooks.create(
        { companyId: company.id, url: rx.url, events: ['app.secret_rotated'] },
        'test',
      );
      const { app } = await gh.apps.create(
        { companyId: company.id, name: 'A', scopes: ['users.read'] },
        'test',
      );
      await gh.apps.rotateSecret(company.id, app.id, 'test');

      const first = await startNode(env);
      children.push(first);
      await rx.waitFor(1);
      // Wait until the failed attempt is on disk, then kill the node without warning.
      const attemptsOnDisk = async () => {
        const page = await gh.webhooks.deliveries(company.id, { endpointId: endpoint.id });
        return page.items[0];
      };
      // Killing it mid-attempt would be legitimate too, but then the attempt's lease (60 s) holds
      // the retry back longer than this test waits; so kill it once the failure is recorded.
      const deadline = Date.now() + 30_000;
      while ((await attemptsOnDisk())?.attempts !== 1) {
        assert.ok(Date.now() < deadline, 'the first attempt was recorded');
        await new Promise((r) => setTimeout(r, 20));
      }
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));

      const second = await startNode(env);
      children.push(second);
      await rx.waitFor(2, 30_000);
      await new Promise((r) => setTimeout(r, 1500)); // room for a wrongful third delivery
      assert.equal(rx.received.length, 2, 'exactly one failed and one successful delivery');
      assert.equal(rx.received[0]?.headers['webhook-id'], rx.received[1]?.headers['webhook-id']);
      assert.equal(rx.received[0]?.body, rx.received[1]?.body);
      const delivery = await attemptsOnDisk();
      assert.equal(delivery?.status, 'delivered');
      assert.equal(delivery?.attempts, 2);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await rx.close();
      await gh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
