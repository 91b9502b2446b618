// The benchmark's paced load generator (bench/lib/paced.ts): which requests it counts and how
// it reads answers. Counts only; no assertion here depends on timing.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { pacedLoad, parseResponse } from '../bench/lib/paced.ts';
import type { LoadSpec } from '../bench/lib/types.ts';

const spec: LoadSpec = {
  method: 'POST',
  path: '/token',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials',
};

describe('pacedLoad', () => {
  let server: Server;
  let url: string;
  /** Requests seen, and from which one on the server answers 503. */
  let seen = 0;
  let failFrom = Number.POSITIVE_INFINITY;
  let bodies: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push(body);
        const n = seen++;
        res.writeHead(n >= failFrom ? 503 : 200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const reset = (fail = Number.POSITIVE_INFINITY) => {
    seen = 0;
    failFrom = fail;
    bodies = [];
  };

  test('sends the warm-up and the measured requests, and counts only the measured ones', async () => {
    reset();
    const r = await pacedLoad(url, spec, { rate: 1000, seconds: 0.2, warmupSeconds: 0.1, connections: 4 });
    assert.equal(seen, 300);
    assert.equal(r.total, 200);
    assert.equal(r.errors, 0);
    assert.ok(r.p50Ms > 0 && r.p99Ms >= r.p50Ms);
    assert.ok(bodies.every((b) => b === spec.body));
  });

  test('an error during the measured part is counted; one during the warm-up is not', async () => {
    // One connection keeps the requests in their scheduled order at the server.
    reset(150);
    const r = await pacedLoad(url, spec, { rate: 1000, seconds: 0.2, warmupSeconds: 0.1, connections: 1 });
    assert.equal(r.total, 200);
    assert.equal(r.errors, 150);
    reset(50);
    const early = await pacedLoad(url, spec, {
      rate: 1000,
      seconds: 0.1,
      warmupSeconds: 0.1,
      connections: 1,
    });
    assert.equal(early.errors, 100, 'the 50 warm-up failures are not counted');
  });

  test('without a warm-up every request counts', async () => {
    reset();
    const r = await pacedLoad(url, spec, { rate: 1000, seconds: 0.1, connections: 2 });
    assert.equal(seen, 100);
    assert.equal(r.total, 100);
  });

  test('variants go out in turn', async () => {
    reset();
    await pacedLoad(
      url,
      { ...spec, variants: [{ body: 'a=1' }, { body: 'b=2' }] },
      { rate: 1000, seconds: 0.01, connections: 1 },
    );
    assert.deepEqual(bodies, ['a=1', 'b=2', 'a=1', 'b=2', 'a=1', 'b=2', 'a=1', 'b=2', 'a=1', 'b=2']);
  });
});

describe('pacedLoad against a server that drops every connection', () => {
  test('every measured request fails and the run still ends', async () => {
    const server = createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await pacedLoad(url, spec, {
        rate: 1000,
        seconds: 0.05,
        warmupSeconds: 0.05,
        connections: 2,
      });
      assert.equal(r.total, 50);
      assert.equal(r.errors, 50);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('parseResponse', () => {
  const buf = (s: string) => Buffer.from(s, 'latin1');

  test('a response with Content-Length, whole and in part', () => {
    const whole = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}';
    assert.deepEqual(parseResponse(buf(whole)), { status: 200, length: whole.length });
    assert.equal(parseResponse(buf(whole.slice(0, -1))), undefined);
    assert.equal(parseResponse(buf('HTTP/1.1 200 OK\r\nContent-Le')), undefined);
  });

  test('two responses in one buffer: the first is returned', () => {
    const one = 'HTTP/1.1 401 Unauthorized\r\ncontent-length: 3\r\n\r\nabc';
    assert.deepEqual(parseResponse(buf(one + one)), { status: 401, length: one.length });
  });

  test('a chunked response ends at the zero-size chunk', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const body = '2\r\n{}\r\n0\r\n\r\n';
    assert.deepEqual(parseResponse(buf(head + body)), { status: 200, length: (head + body).length });
    assert.equal(parseResponse(buf(`${head}2\r\n{}\r\n`)), undefined);
  });

  test('a response with neither ends at its head', () => {
    const head = 'HTTP/1.1 204 No Content\r\n\r\n';
    assert.deepEqual(parseResponse(buf(head)), { status: 204, length: head.length });
  });
});
