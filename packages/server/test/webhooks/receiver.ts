import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. `respond` decides each status
 * (by arrival number, from 1); every request is recorded.
 */
export async function startReceiver(
  respond: (n: number, r: Omit<Received, 'status'>) => number | 'hang' | 'redirect',
) {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const decision = respond(received.length + 1, { headers: req.headers, body });
      if (decision === 'hang') {
        received.push({ headers: req.headers, body, status: 0 });
        for (const w of waiters.splice(0)) w();
        return;
      }
      if (decision === 'redirect') {
        received.push({ headers: req.headers, body, status: 302 });
        res.writeHead(302, { location: '/elsewhere' }).end();
      } else {
        received.push({ headers: req.headers, body, status: decision });
        res.writeHead(decision, { 'content-type': 'text/plain' }).end('ok');
      }
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Resolves once `n` requests have arrived (or rejects after `ms`). */
    async waitFor(n: number, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (received.length < n) {
        if (Date.now() > deadline)
          throw new Error(`receiver got ${received.length} of ${n} requests in ${ms} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
