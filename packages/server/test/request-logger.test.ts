import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import { lazyChildLoggerFactory } from '../src/http/request-logger.ts';
import { createLogger } from '../src/logger.ts';
import { testServer } from './helpers.ts';

/** A root logger writing JSON lines into an array, and a count of the children made from it. */
function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, {
    destination: { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) },
  });
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<Logger['child']>) => {
    children++;
    return child(...args);
  }) as Logger['child'];
  return { logger, lines, children: () => children };
}

async function app(logger: Logger) {
  const app = Fastify({
    loggerInstance: logger,
    disableRequestLogging: true,
    genReqId: () => 'req-1',
    childLoggerFactory: lazyChildLoggerFactory,
  });
  app.get('/quiet', async (req) => {
    req.log.debug({ detail: 'below the level' }, 'not written');
    return { ok: true };
  });
  app.get('/loud', async (req) => {
    req.log.warn({ body: { client_secret: 'shh' } }, 'something odd');
    req.log.warn('and again');
    return { ok: true };
  });
  return app;
}

test('a request that writes no line builds no child logger', async () => {
  const { logger, lines, children } = capture('info');
  const a = await app(logger);
  await a.ready();
  const atStart = children();
  for (let i = 0; i < 3; i++) assert.equal((await a.inject({ url: '/quiet' })).statusCode, 200);
  assert.equal(children() - atStart, 0);
  assert.deepEqual(lines, []);
  await a.close();
});

test('a line that is written carries the request id and is redacted as before, from one child', async () => {
  const { logger, lines, children } = capture('info');
  const a = await app(logger);
  await a.ready();
  const atStart = children();
  assert.equal((await a.inject({ url: '/loud' })).statusCode, 200);
  assert.equal(children() - atStart, 1);
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!.reqId, 'req-1');
  assert.equal(lines[0]!.msg, 'something odd');
  assert.deepEqual(lines[0]!.body, { client_secret: '[redacted]' });
  assert.equal(lines[1]!.reqId, 'req-1');
  await a.close();
});

test('a debug root writes debug lines through the lazy child', async () => {
  const { logger, lines } = capture('debug');
  const a = await app(logger);
  await a.inject({ url: '/quiet' });
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.msg, 'not written');
  assert.equal(lines[0]!.reqId, 'req-1');
  await a.close();
});

test('request lines mask the credentials in URLs: invitation tokens, login challenges and verifiers', async () => {
  const { logger, lines } = capture('debug');
  const t = await testServer({ logger, config: { logLevel: 'debug' } });
  try {
    for (const url of [
      '/invitations/gthi_secret1',
      '/api/v1/login-requests/gthl_secret2/accept',
      '/login/delegated?login_verifier=gthv_secret3',
      '/login?flow=f1&login_challenge=gthl_secret4&x=1',
    ])
      await t.http.inject({ url });
  } finally {
    await t.close();
  }
  const urls = lines.map((l) => (l.req as { url?: string } | undefined)?.url).filter(Boolean);
  assert.deepEqual(urls, [
    '/invitations/[redacted]',
    '/api/v1/login-requests/[redacted]/accept',
    '/login/delegated?login_verifier=[redacted]',
    '/login?flow=f1&login_challenge=[redacted]&x=1',
  ]);
  assert.equal(JSON.stringify(lines).includes('secret'), false, 'in no line at all');
  const completed = lines.filter((l) => l.msg === 'request completed').map((l) => l.res);
  assert.deepEqual(completed, [
    { statusCode: 404 },
    { statusCode: 405 },
    { statusCode: 400 },
    { statusCode: 200 },
  ]);
});
