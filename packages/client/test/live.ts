import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../server/src/config/index.ts';
import { type TestServer, testServer } from '../../server/test/helpers.ts';

export interface Fault {
  status: number;
  headers?: Record<string, string>;
}

/**
 * A real Gatehouse listening on 127.0.0.1, behind a small HTTP proxy of our own that counts
 * requests per path and can answer the next N requests to a path with a fault (a 503, say)
 * before they reach Gatehouse. The issuer is the proxy's URL, so every request a client
 * makes (discovery included) goes through it. A fault injector, not a stand-in: every
 * answer that is not an injected fault comes from Gatehouse.
 */
export interface LiveGatehouse {
  ts: TestServer;
  issuer: string;
  /** Requests seen per path (query excluded), counted before faults are applied. */
  count(path: string): number;
  /** Arrival times (epoch ms) of requests to `path`. */
  arrivals(path: string): number[];
  /** Answers the next `times` requests to `path` with `fault`. */
  inject(path: string, times: number, fault: Fault): void;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

export async function liveGatehouse(config: Partial<Config> = {}): Promise<LiveGatehouse> {
  const seen = new Map<string, number[]>();
  const faults = new Map<string, { times: number; fault: Fault }>();
  let upstreamPort = 0;
  const proxy = createServer((req: IncomingMessage, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    seen.set(path, [...(seen.get(path) ?? []), Date.now()]);
    const fault = faults.get(path);
    if (fault && fault.times > 0) {
      fault.times--;
      req.resume();
      res.writeHead(fault.fault.status, { 'content-type': 'text/plain', ...fault.fault.headers });
      res.end('injected fault');
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const port = await listen(proxy);
  const issuer = `http://127.0.0.1:${port}`;
  const ts = await testServer({ config: { issuer, host: '127.0.0.1', ...config } });
  await ts.http.listen({ host: '127.0.0.1', port: 0 });
  upstreamPort = (ts.http.server.address() as AddressInfo).port;
  return {
    ts,
    issuer,
    count: (path) => seen.get(path)?.length ?? 0,
    arrivals: (path) => seen.get(path) ?? [],
    inject: (path, times, fault) => faults.set(path, { times, fault }),
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await ts.close();
    },
  };
}

/** Claims of a JWT, read without verification (the tests compare `exp`). */
export function claims(jwt: string): { exp: number; jti: string; [k: string]: unknown } {
  return JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8'));
}
