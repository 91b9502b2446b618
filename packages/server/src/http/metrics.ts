import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors.ts';
import type { PrometheusMetrics } from '../metrics/prometheus.ts';

/** Where /metrics is served: GATEHOUSE_METRICS_PORT and GATEHOUSE_METRICS_TOKEN (config). */
export interface MetricsExposure {
  port: number | undefined;
  token: string | undefined;
}

/** Requests the router matched no route for share one label, never their raw path. */
const UNMATCHED = 'unmatched';

/**
 * Measures every request and, without a metrics port, serves /metrics on the main port behind
 * the bearer token. Does nothing at all when metrics are off: no hook is registered, so a
 * request pays nothing. When on, one callback-style onResponse hook (no promise, no closure
 * per request) observes the route pattern, method and status.
 */
export function registerMetrics(
  app: FastifyInstance,
  metrics: PrometheusMetrics | undefined,
  exposure: MetricsExposure,
): void {
  if (metrics === undefined) return;
  app.addHook('onResponse', (request, reply, done) => {
    metrics.requestObserver(
      request.routeOptions.url ?? UNMATCHED,
      request.method,
      reply.statusCode,
    )(reply.elapsedTime / 1000);
    done();
  });
  if (exposure.port !== undefined) return;
  const authorized = bearerCheck(exposure.token);
  app.get('/metrics', { config: { jsonOnly: false } }, async (request, reply) => {
    if (!authorized(request.headers.authorization))
      throw new DomainError(
        'unauthorized',
        'send the metrics token as "Authorization: Bearer <token>"',
        401,
        {
          'WWW-Authenticate': 'Bearer realm="metrics"',
        },
      );
    const { contentType, body } = await metrics.scrape();
    reply.header('Cache-Control', 'no-store').type(contentType);
    return body;
  });
}

/**
 * Serves GET /metrics alone on its own port (GATEHOUSE_METRICS_PORT), for a scraper on an
 * internal network; the token, when set, is required there too. Resolves once listening.
 */
export async function startMetricsServer(
  metrics: Pick<PrometheusMetrics, 'scrape'>,
  opts: { host: string; port: number; token: string | undefined },
): Promise<{ port: number; close(): Promise<void> }> {
  const authorized = bearerCheck(opts.token);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    if (!authorized(req.headers.authorization)) {
      res
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' })
        .end('{"error":"unauthorized"}');
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"server_error"}');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Compares the presented bearer token with the configured one in constant time; no token: open. */
function bearerCheck(token: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const want = createHash('sha256').update(token).digest();
  return (header) => {
    const m = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
    if (m === null) return false;
    return timingSafeEqual(
      createHash('sha256')
        .update(m[1] as string)
        .digest(),
      want,
    );
  };
}
