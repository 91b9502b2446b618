import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configWarnings, loadConfig } from '../src/config/index.ts';
import { ValidationError } from '../src/errors.ts';
import { testServer } from './helpers.ts';

test('apps get at least 60-second tokens unless minTokenTtlSeconds is lowered', async () => {
  const strict = await testServer();
  try {
    await assert.rejects(strict.createApp({ tokenTtl: 2 }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /from 60 to 86400/);
      return true;
    });
  } finally {
    await strict.close();
  }
  const lowered = await testServer({ config: { minTokenTtlSeconds: 2 } });
  try {
    const app = await lowered.createApp({ tokenTtl: 2 });
    const issued = await lowered.http.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${app.clientId}&client_secret=${app.clientSecret}`,
    });
    assert.equal(issued.json().expires_in, 2);
    await assert.rejects(lowered.createApp({ tokenTtl: 1 }), /from 2 to 86400/);
  } finally {
    await lowered.close();
  }
});

test('GATEHOUSE_MIN_TOKEN_TTL is parsed, bounded and warned about', () => {
  const base = { GATEHOUSE_SECRET: 'x'.repeat(32), GATEHOUSE_DATA_DIR: '/nonexistent-gatehouse' };
  assert.equal(loadConfig({ env: base }).minTokenTtlSeconds, 60);
  const low = loadConfig({ env: { ...base, GATEHOUSE_MIN_TOKEN_TTL: '2' } });
  assert.equal(low.minTokenTtlSeconds, 2);
  assert.ok(configWarnings(low).some((w) => w.includes('GATEHOUSE_MIN_TOKEN_TTL is 2 s')));
  assert.ok(!configWarnings(loadConfig({ env: base })).some((w) => w.includes('GATEHOUSE_MIN_TOKEN_TTL')));
  for (const bad of ['0', '-5', '1.5', 'soon', '86401'])
    assert.throws(
      () => loadConfig({ env: { ...base, GATEHOUSE_MIN_TOKEN_TTL: bad } }),
      /GATEHOUSE_MIN_TOKEN_TTL/,
    );
});
