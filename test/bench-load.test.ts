// The benchmark's autocannon load (bench/lib/load.ts): a baseline given the generator path of
// the load it is compared with still sends the same request. Counts and bytes only; nothing
// here depends on timing.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runLoad, sameGeneratorPath } from '../bench/lib/load.ts';
import type { LoadSpec } from '../bench/lib/types.ts';

const spec: LoadSpec = {
  method: 'POST',
  path: '/token',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic YTpi' },
  body: 'grant_type=client_credentials',
};
const withVariants: LoadSpec = {
  ...spec,
  variants: [{ headers: { authorization: 'Basic Yzpk' } }, { headers: { authorization: 'Basic ZTpm' } }],
};

describe('sameGeneratorPath', () => {
  test('a baseline for a load with variants gets one empty variant', () => {
    assert.deepEqual(sameGeneratorPath(spec, withVariants), { ...spec, variants: [{}] });
  });

  test('a baseline for a load without variants, or one with its own, is left as it is', () => {
    assert.equal(sameGeneratorPath(spec, spec), spec);
    assert.equal(sameGeneratorPath(withVariants, withVariants), withVariants);
  });
});

describe('runLoad', () => {
  let server: Server;
  let url: string;
  let seen: { method: string; url: string; auth: string; type: string; body: string }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          auth: req.headers.authorization ?? '',
          type: req.headers['content-type'] ?? '',
          body,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const requests = async (s: LoadSpec) => {
    seen = [];
    const r = await runLoad({ url, spec: s, connections: 2, duration: 0, amount: 20 });
    assert.equal(r.errors, 0);
    assert.equal(seen.length, 20);
    return seen;
  };

  test('one empty variant sends exactly the request the plain load sends', async () => {
    const plain = await requests(spec);
    const built = await requests(sameGeneratorPath(spec, withVariants));
    const expected = {
      method: 'POST',
      url: '/token',
      auth: 'Basic YTpi',
      type: 'application/x-www-form-urlencoded',
      body: 'grant_type=client_credentials',
    };
    for (const r of [...plain, ...built]) assert.deepEqual(r, expected);
  });

  test('variants go out in turn, each once per round', async () => {
    const sent = await requests(withVariants);
    const counts = new Map<string, number>();
    for (const r of sent) counts.set(r.auth, (counts.get(r.auth) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(counts), { 'Basic Yzpk': 10, 'Basic ZTpm': 10 });
  });
});
