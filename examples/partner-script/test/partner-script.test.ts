import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningDemoApi, startDemoApi } from '@gatehouse/demo-api';
import { type LiveGatehouse, liveGatehouse } from '../../../test/helpers/live-gatehouse.ts';

const script = fileURLToPath(new URL('../src/partner-script.ts', import.meta.url));
let gh: LiveGatehouse;
let api: RunningDemoApi;
let app: { clientId: string; clientSecret: string };

before(async () => {
  gh = await liveGatehouse();
  api = await startDemoApi({ issuer: gh.issuer, audience: gh.audience, host: '127.0.0.1', port: 0 });
  app = await gh.createApp({ scopes: ['users.read'] });
});
after(async () => {
  await api.close();
  await gh.close();
});

function run(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@gatehouse/source', '--import', 'tsx', script], {
      env: { PATH: process.env.PATH ?? '', GATEHOUSE_ISSUER: gh.issuer, DEMO_API_URL: api.url, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

test('the partner script lists the company users with credentials from the demo file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'partner-script-'));
  try {
    const file = join(dir, 'demo-credentials.json');
    writeFileSync(file, JSON.stringify({ ...app, companyId: gh.ts.companyId, users: [] }));
    const { code, out, err } = await run({ DEMO_CREDENTIALS: file });
    assert.equal(code, 0, err);
    assert.match(out, /^5 users$/m);
    assert.equal(out.trim().split('\n').length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with a wrong secret from the environment it fails with the OAuth error', async () => {
  const { code, err } = await run({ CLIENT_ID: app.clientId, CLIENT_SECRET: 'wrong' });
  assert.notEqual(code, 0);
  assert.match(err, /invalid_client/);
});
