import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_REFRESH_REUSE_WINDOW, validateAppInput } from '../src/apps/validation.ts';
import { loadConfig } from '../src/config/index.ts';
import { ValidationError } from '../src/errors.ts';
import { runCli } from './cli/run-cli.ts';
import { TEST_SECRET, type TestServer } from './helpers.ts';
import { NO_WEBHOOK_DELIVERY, type Tenant, tenant, testServer } from './management-api/fixtures.ts';

describe('refresh reuse window settings', () => {
  it('GATEHOUSE_REFRESH_REUSE_WINDOW: whole seconds from 0 to 300, default 10', () => {
    const load = (value?: string) =>
      loadConfig({
        env: value === undefined ? {} : { GATEHOUSE_REFRESH_REUSE_WINDOW: value },
        overrides: { serverSecret: TEST_SECRET, dataDir: tmpdir() },
      }).refreshReuseWindowSeconds;
    assert.equal(DEFAULT_REFRESH_REUSE_WINDOW, 10);
    assert.equal(load(), 10);
    assert.equal(load(''), 10);
    assert.equal(load('0'), 0);
    assert.equal(load('300'), 300);
    for (const bad of ['301', '-1', '2.5', 'soon', '1e2x'])
      assert.throws(
        () => load(bad),
        /GATEHOUSE_REFRESH_REUSE_WINDOW must be whole seconds from 0 \(off\) to 300/,
      );
  });

  it('an app may override it with 0 to 300 seconds; absent or null follows the server', () => {
    const base = { companyId: 'co_1', name: 'A', scopes: ['users.read'] };
    assert.equal(validateAppInput(base).refreshReuseWindow, null);
    assert.equal(validateAppInput({ ...base, refreshReuseWindow: null }).refreshReuseWindow, null);
    assert.equal(validateAppInput({ ...base, refreshReuseWindow: 0 }).refreshReuseWindow, 0);
    assert.equal(validateAppInput({ ...base, refreshReuseWindow: 300 }).refreshReuseWindow, 300);
    for (const bad of [301, -1, 1.5, Number.NaN])
      assert.throws(
        () => validateAppInput({ ...base, refreshReuseWindow: bad }),
        (err: unknown) => err instanceof ValidationError && 'refreshReuseWindow' in (err.fields ?? {}),
      );
  });

  describe('management API', () => {
    let t: TestServer;
    let a: Tenant;
    const headers = () => ({ authorization: `Bearer ${a.key}` });
    before(async () => {
      t = await testServer({ config: NO_WEBHOOK_DELIVERY });
      a = await tenant(t, 'Reuse Co');
    });
    after(() => t.close());

    it('POST /api/v1/apps takes refresh_reuse_window; every app view shows it (null: server default)', async () => {
      const created = await t.http.inject({
        method: 'POST',
        url: '/api/v1/apps',
        headers: headers(),
        payload: { name: 'Strict', scopes: ['users.read'], refresh_reuse_window: 0 },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().refresh_reuse_window, 0);
      const read = await t.http.inject({ url: `/api/v1/apps/${created.json().id}`, headers: headers() });
      assert.equal(read.json().refresh_reuse_window, 0);
      const plain = await t.http.inject({
        method: 'POST',
        url: '/api/v1/apps',
        headers: headers(),
        payload: { name: 'Plain', scopes: ['users.read'] },
      });
      assert.equal(plain.json().refresh_reuse_window, null);
    });

    it('out of range or not an integer: 400 naming the field', async () => {
      for (const value of [301, -1, 2.5, '5', null]) {
        const res = await t.http.inject({
          method: 'POST',
          url: '/api/v1/apps',
          headers: headers(),
          payload: { name: 'Bad', scopes: ['users.read'], refresh_reuse_window: value },
        });
        assert.equal(res.statusCode, 400, `${JSON.stringify(value)}: ${res.body}`);
        assert.equal(res.json().error, 'validation_failed');
        assert.ok('refresh_reuse_window' in (res.json().fields ?? {}), res.body);
      }
    });

    it('the OpenAPI document describes the field', async () => {
      const doc = (await t.http.inject({ url: '/api/v1/openapi.json' })).json();
      assert.match(JSON.stringify(doc), /refresh_reuse_window/);
    });
  });

  describe('CLI: app create --refresh-reuse-window', () => {
    let dir: string;
    let env: Record<string, string>;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-reuse-cli-'));
      env = {
        DATABASE_URL: `sqlite:${join(dir, 'g.db')}`,
        GATEHOUSE_DATA_DIR: dir,
        GATEHOUSE_SECRET: TEST_SECRET,
      };
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('sets the app override, and refuses a value out of range with a usage error', async () => {
      const company = await runCli(['company', 'create', '--name', 'Cli Co', '--json'], env);
      assert.equal(company.code, 0, company.stderr);
      const base = [
        'app',
        'create',
        '--company',
        company.json<{ id: string }>().id,
        '--name',
        'A',
        '--scopes',
        'users.read',
      ];
      const created = await runCli([...base, '--refresh-reuse-window', '0', '--json'], env);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.json().refresh_reuse_window, 0);
      const bad = await runCli([...base, '--refresh-reuse-window', '301'], env);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /--refresh-reuse-window must be a whole number from 0 to 300/);
    });
  });
});
