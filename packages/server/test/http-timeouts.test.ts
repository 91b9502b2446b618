import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { configWarnings, loadConfig } from '../src/config/index.ts';
import { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from '../src/http/timeouts.ts';
import { basic, TEST_SECRET, type TestServer, testServer } from './helpers.ts';

/**
 * HTTP timeouts (issue 15, break 6): without a request timeout, a body sent a byte a second
 * held its connection open for ever. A real listening server and raw sockets, since
 * `inject` has no socket to be slow on.
 */

/** What a raw connection received, once the server closed it (or `ms` passed: a failure). */
function untilClosed(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `the server kept the connection open for ${ms} ms; it received: ${JSON.stringify(received)}`,
        ),
      );
    }, ms);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

function post(
  agent: Agent,
  port: number,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function parse(response: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = response.split('\r\n\r\n', 2);
  return { status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) };
}

async function listening(timeouts: HttpTimeouts): Promise<{ t: TestServer; port: number }> {
  const t = await testServer({ config: { httpTimeouts: timeouts } });
  await t.http.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.http.server.address();
  return { t, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

describe('HTTP request timeout over a real socket', () => {
  const timeouts: HttpTimeouts = { requestMs: 1_500, headersMs: 1_500, idleMs: 10_000, keepAliveMs: 72_000 };
  let t: TestServer;
  let port: number;

  before(async () => {
    ({ t, port } = await listening(timeouts));
  });

  after(async () => {
    await t?.close();
  });

  test('a body sent one byte per second is cut with 408 after the request timeout', async () => {
    const app = await t.createApp({ scopes: ['users.read'] });
    const body = 'grant_type=client_credentials';
    const socket = await open(port);
    const closed = untilClosed(socket, timeouts.requestMs + 10_000);
    socket.write(
      'POST /oauth2/token HTTP/1.1\r\nHost: gatehouse.test\r\n' +
        `Authorization: ${basic(app.clientId, app.clientSecret)}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < body.length) socket.write(body[sent++] ?? '');
    }, 1_000);
    try {
      const res = parse(await closed);
      assert.equal(res.status, 408);
      assert.deepEqual(Object.keys(res.body).sort(), ['error', 'error_description']);
      assert.equal(res.body.error, 'request_timeout');
      assert.match(res.headers, /\r\nContent-Type: application\/json/i);
      assert.match(res.headers, /\r\nConnection: close/i);
      // Cut well before the body was complete: the timeout did it, not the end of the body.
      assert.ok(sent < body.length, `the whole body (${sent} bytes) went through first`);
    } finally {
      clearInterval(drip);
    }
  });

  test('headers sent one byte at a time are cut too (slowloris)', async () => {
    const socket = await open(port);
    const closed = untilClosed(socket, timeouts.headersMs + 10_000);
    const head =
      'GET /healthz HTTP/1.1\r\nHost: gatehouse.test\r\nX-Slow: 0123456789012345678901234567890123456789\r\n\r\n';
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < head.length) socket.write(head[sent++] ?? '');
    }, 250);
    try {
      const res = parse(await closed);
      assert.equal(res.status, 408);
      assert.equal(res.body.error, 'request_timeout');
      assert.ok(sent < head.length, 'the whole request went through first');
    } finally {
      clearInterval(drip);
    }
  });

  test('a normal request on the same server still works, and its connection is kept alive for the next', async () => {
    const app = await t.createApp({ scopes: ['users.read'] });
    // One socket at most: a second request either reuses the first's or opens a new one.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let connections = 0;
    const count = () => connections++;
    t.http.server.on('connection', count);
    try {
      for (let i = 0; i < 2; i++) {
        const res = await post(agent, port, '/oauth2/token', 'grant_type=client_credentials', {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(app.clientId, app.clientSecret),
        });
        assert.equal(res.status, 200, res.body);
        assert.equal(typeof (JSON.parse(res.body) as { access_token?: unknown }).access_token, 'string');
      }
      assert.equal(connections, 1, 'the second request did not reuse the kept-alive connection');
    } finally {
      t.http.server.off('connection', count);
      agent.destroy();
    }
  });

  test('what Node cannot parse is answered in the same JSON shape: 400 for garbage, 431 for huge headers', async () => {
    const cases = [
      ['not http at all\r\n\r\n', 400, 'invalid_request'],
      [
        `GET /healthz HTTP/1.1\r\nHost: gatehouse.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'headers_too_large',
      ],
    ] as const;
    for (const [raw, status, error] of cases) {
      const socket = await open(port);
      const closed = untilClosed(socket, 10_000);
      socket.write(raw);
      const res = parse(await closed);
      assert.equal(res.status, status);
      assert.deepEqual(res.body, { error, error_description: res.body.error_description });
      assert.match(res.headers, /\r\nCache-Control: no-store/i);
    }
  });

  test('the server carries the configured timeouts', () => {
    const server = t.http.server;
    assert.equal(server.requestTimeout, timeouts.requestMs);
    assert.equal(server.headersTimeout, timeouts.headersMs);
    assert.equal(server.keepAliveTimeout, timeouts.keepAliveMs);
    assert.equal(server.timeout, timeouts.idleMs);
  });
});

describe('HTTP idle timeout', () => {
  test('a connection that sends nothing is closed after the idle timeout', async () => {
    const { t, port } = await listening({ ...DEFAULT_HTTP_TIMEOUTS, idleMs: 500 });
    try {
      const socket = await open(port);
      // Closed without an answer: there was no request to answer.
      assert.equal(await untilClosed(socket, 500 + 10_000), '');
    } finally {
      await t.close();
    }
  });
});

describe('HTTP timeout settings', () => {
  const base = { GATEHOUSE_SECRET: TEST_SECRET };

  test('defaults: request 30 s, headers 10 s, idle 60 s, keep-alive 72 s; database and /readyz bounded too', () => {
    const c = loadConfig({ env: base });
    assert.deepEqual(c.httpTimeouts, {
      requestMs: 30_000,
      headersMs: 10_000,
      idleMs: 60_000,
      keepAliveMs: 72_000,
    });
    assert.deepEqual(c.databaseTimeouts, {
      connectMs: 5_000,
      queryMs: 10_000,
      statementMs: 8_000,
      idleInTransactionMs: 30_000,
      sqliteBusyMs: 5_000,
    });
    assert.equal(c.readyzTimeoutMs, 2_000);
  });

  test('each comes from its environment variable', () => {
    const c = loadConfig({
      env: {
        ...base,
        GATEHOUSE_HTTP_REQUEST_TIMEOUT_MS: '20000',
        GATEHOUSE_HTTP_HEADERS_TIMEOUT_MS: '5000',
        GATEHOUSE_HTTP_IDLE_TIMEOUT_MS: '0',
        GATEHOUSE_HTTP_KEEP_ALIVE_TIMEOUT_MS: '620000',
        GATEHOUSE_DB_CONNECT_TIMEOUT_MS: '1000',
        GATEHOUSE_DB_QUERY_TIMEOUT_MS: '2000',
        GATEHOUSE_DB_STATEMENT_TIMEOUT_MS: '1500',
        GATEHOUSE_DB_IDLE_TX_TIMEOUT_MS: '3000',
        GATEHOUSE_SQLITE_BUSY_TIMEOUT_MS: '250',
        GATEHOUSE_READYZ_TIMEOUT_MS: '700',
      },
    });
    assert.deepEqual(c.httpTimeouts, {
      requestMs: 20_000,
      headersMs: 5_000,
      idleMs: 0,
      keepAliveMs: 620_000,
    });
    assert.deepEqual(c.databaseTimeouts, {
      connectMs: 1_000,
      queryMs: 2_000,
      statementMs: 1_500,
      idleInTransactionMs: 3_000,
      sqliteBusyMs: 250,
    });
    assert.equal(c.readyzTimeoutMs, 700);
  });

  test('bad values are refused with the variable named', () => {
    for (const [name, value] of [
      ['GATEHOUSE_HTTP_REQUEST_TIMEOUT_MS', '30s'],
      ['GATEHOUSE_HTTP_KEEP_ALIVE_TIMEOUT_MS', '0'],
      ['GATEHOUSE_DB_QUERY_TIMEOUT_MS', '-1'],
      ['GATEHOUSE_DB_CONNECT_TIMEOUT_MS', '1.5'],
      ['GATEHOUSE_READYZ_TIMEOUT_MS', '0'],
      ['GATEHOUSE_SQLITE_BUSY_TIMEOUT_MS', '99999999999'],
    ] as const)
      assert.throws(
        () => loadConfig({ env: { ...base, [name]: value } }),
        new RegExp(name),
        `${name}=${value}`,
      );
    // A header deadline past the whole request's could never be reached.
    assert.throws(
      () =>
        loadConfig({
          env: {
            ...base,
            GATEHOUSE_HTTP_REQUEST_TIMEOUT_MS: '5000',
            GATEHOUSE_HTTP_HEADERS_TIMEOUT_MS: '6000',
          },
        }),
      /GATEHOUSE_HTTP_HEADERS_TIMEOUT_MS/,
    );
  });

  test('turning the request timeout off is warned about at start', () => {
    const c = loadConfig({ env: { ...base, GATEHOUSE_HTTP_REQUEST_TIMEOUT_MS: '0' } });
    assert.ok(
      configWarnings(c).some((w) => w.includes('GATEHOUSE_HTTP_REQUEST_TIMEOUT_MS is 0')),
      'no warning for a request timeout of 0',
    );
  });
});
