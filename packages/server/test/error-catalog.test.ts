import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../src/config/index.ts';
import { buildHttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { AccessDenied } from '../src/oauth/errors.ts';
import { basic, type TestServer, testServer } from './helpers.ts';

/**
 * Every status of the error catalog (docs/errors.md), triggered through a real request to
 * a listening server, with the body shape and the headers each one promises.
 */
const FORM = 'application/x-www-form-urlencoded';

async function listen(t: TestServer, extra?: (app: FastifyInstance) => void) {
  const app = await buildHttpApp(t.gh, createLogger('silent', { pretty: false }));
  extra?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

async function expectError(
  res: Response,
  status: number,
  error: string,
  headers: Record<string, RegExp> = {},
): Promise<Record<string, unknown>> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
  assert.ok((body.error_description as string).length > 0);
  for (const [name, pattern] of Object.entries(headers))
    assert.match(res.headers.get(name) ?? '', pattern, name);
  return body;
}

describe('error catalog over real HTTP', () => {
  let t: TestServer;
  let base: string;
  let stop: () => Promise<void>;
  let creds: { clientId: string; clientSecret: string };

  before(async () => {
    t = await testServer({
      config: {
        tokenRateLimit: { perClient: { perSecond: 0.001, burst: 3 }, perIp: { perSecond: 0, burst: 1 } },
      },
    });
    creds = await t.createApp({ scopes: ['users.read'] });
    // No route on this branch answers 403 yet (the console and the demo API will); this one
    // throws the typed error so the writer's 403 shape is checked over the wire all the same.
    const s = await listen(t, (app) =>
      app.get('/test/forbidden', async () => {
        throw new AccessDenied('admins only');
      }),
    );
    base = s.url;
    stop = s.close;
  });
  after(async () => {
    await stop();
    await t.close();
  });

  const token = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/oauth2/token`, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body });

  test('400 invalid_request and invalid_scope', async () => {
    await expectError(await token('grant_type=client_credentials&grant_type=x'), 400, 'invalid_request');
    await expectError(
      await token('grant_type=client_credentials&scope=nope', {
        authorization: basic(creds.clientId, creds.clientSecret),
      }),
      400,
      'invalid_scope',
    );
  });

  test('401 invalid_client with WWW-Authenticate', async () => {
    await expectError(
      await token('grant_type=client_credentials', { authorization: basic(creds.clientId, 'wrong') }),
      401,
      'invalid_client',
      { 'www-authenticate': /^Basic / },
    );
  });

  test('403 access_denied', async () => {
    await expectError(await fetch(`${base}/test/forbidden`), 403, 'access_denied');
  });

  test('404 not_found', async () => {
    await expectError(await fetch(`${base}/no/such/thing`), 404, 'not_found');
  });

  test('405 method_not_allowed with Allow', async () => {
    await expectError(await fetch(`${base}/oauth2/token`), 405, 'method_not_allowed', { allow: /^POST$/ });
    await expectError(
      await fetch(`${base}/.well-known/jwks.json`, { method: 'DELETE' }),
      405,
      'method_not_allowed',
      { allow: /^GET, HEAD$/ },
    );
  });

  test('406 not_acceptable when the client accepts only non-JSON types', async () => {
    await expectError(
      await fetch(`${base}/.well-known/oauth-authorization-server`, { headers: { accept: 'text/html' } }),
      406,
      'not_acceptable',
    );
    await expectError(
      await token('grant_type=client_credentials', { accept: 'text/html, application/json;q=0' }),
      406,
      'not_acceptable',
    );
    for (const accept of ['*/*', 'application/json', 'text/html, */*;q=0.1', 'application/*'])
      assert.equal(
        (await fetch(`${base}/.well-known/oauth-authorization-server`, { headers: { accept } })).status,
        200,
        accept,
      );
    // Health checks answer any client.
    assert.equal((await fetch(`${base}/healthz`, { headers: { accept: 'text/plain' } })).status, 200);
  });

  test('410 gone under a retired API version', async () => {
    await expectError(await fetch(`${base}/v0/oauth2/token`, { method: 'POST' }), 410, 'gone');
    await expectError(await fetch(`${base}/v0`), 410, 'gone');
  });

  test('429 too_many_requests with Retry-After, per client', async () => {
    const other = await t.createApp({ scopes: ['users.read'] });
    const auth = { authorization: basic(other.clientId, other.clientSecret) };
    for (let i = 0; i < 3; i++)
      assert.equal((await token('grant_type=client_credentials', auth)).status, 200);
    const res = await token('grant_type=client_credentials', auth);
    await expectError(res, 429, 'too_many_requests', { 'retry-after': /^[1-9]\d*$/ });
    // The bucket is per client: another client is unaffected.
    const third = await t.createApp({ scopes: ['users.read'] });
    const ok = await token(
      `grant_type=client_credentials&client_id=${third.clientId}&client_secret=${third.clientSecret}`,
    );
    assert.equal(ok.status, 200);
  });

  test('500 server_error leaks nothing from inside', async () => {
    const original = t.gh.tokens.issueAccessToken;
    t.gh.tokens.issueAccessToken = async () => {
      throw new Error('boom at /srv/gatehouse/src/secret-path.ts with key=hunter2');
    };
    try {
      const app = await t.createApp({ scopes: ['users.read'] });
      const body = await expectError(
        await token('grant_type=client_credentials', {
          authorization: basic(app.clientId, app.clientSecret),
        }),
        500,
        'server_error',
      );
      assert.doesNotMatch(JSON.stringify(body), /boom|secret-path|hunter2|\.ts|stack/);
      assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
    } finally {
      t.gh.tokens.issueAccessToken = original;
    }
  });
});

describe('503 temporarily_unavailable over real HTTP', () => {
  test('maintenance mode answers 503 with Retry-After, health checks exempt', async () => {
    const t = await testServer({ config: { maintenance: true } satisfies Partial<Config> });
    const s = await listen(t);
    try {
      await expectError(
        await fetch(`${s.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': FORM }, body: '' }),
        503,
        'temporarily_unavailable',
        { 'retry-after': /^[1-9]\d*$/ },
      );
      await expectError(await fetch(`${s.url}/.well-known/jwks.json`), 503, 'temporarily_unavailable');
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${s.url}/readyz`)).status, 200);
    } finally {
      await s.close();
      await t.close();
    }
  });

  test('a database that cannot be reached is 503 with Retry-After, not 500', async () => {
    const t = await testServer();
    const s = await listen(t);
    try {
      const app = await t.createApp({ scopes: ['users.read'] });
      await t.gh.bus.stop();
      await t.gh.storage.close();
      // The app is not cached yet, so the token endpoint must ask the database.
      await expectError(await token(s.url, app), 503, 'temporarily_unavailable', {
        'retry-after': /^[1-9]\d*$/,
      });
    } finally {
      await s.close();
      await t.close().catch(() => {});
    }
  });
});

function token(base: string, app: { clientId: string; clientSecret: string }) {
  return fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': FORM, authorization: basic(app.clientId, app.clientSecret) },
    body: 'grant_type=client_credentials',
  });
}
