import type { ServerOptions } from 'node:http';

/**
 * How long the HTTP server waits on a client, in milliseconds (0: no limit, where allowed).
 * Node's own defaults leave a request that arrives one byte a second open for ever (its
 * `requestTimeout` is 0 under Fastify), which is fine behind a proxy that bounds requests and
 * an easy way to run out of sockets without one. See docs/deployment.md, "Timeouts".
 */
export interface HttpTimeouts {
  /** The whole request, headers and body, must have arrived within this; else 408 and close. */
  requestMs: number;
  /** The request's headers must have arrived within this (slowloris); never above `requestMs`. */
  headersMs: number;
  /** A connection on which nothing moves in either direction for this long is closed. */
  idleMs: number;
  /**
   * An idle keep-alive connection is closed after this. Kept above the idle timeout of the
   * proxies commonly put in front (60 s for nginx and AWS load balancers), so that the proxy,
   * never Gatehouse, closes a connection it might be about to reuse.
   */
  keepAliveMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  requestMs: 30_000,
  headersMs: 10_000,
  // Above the revocation feed's 15 s heartbeat, so open event streams are never idle this long.
  idleMs: 60_000,
  keepAliveMs: 72_000,
};

/** The Fastify (and Node http.Server) options that apply `t`. */
export function serverTimeoutOptions(t: HttpTimeouts): {
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
} {
  // Node checks request and header deadlines on a timer (every 30 s by default), so a
  // 30 s limit could take a minute to bite: check a few times per shortest deadline.
  const deadlines = [t.requestMs, t.headersMs].filter((ms) => ms > 0);
  const shortest = deadlines.length > 0 ? Math.min(...deadlines) : 30_000;
  return {
    requestTimeout: t.requestMs,
    connectionTimeout: t.idleMs,
    keepAliveTimeout: t.keepAliveMs,
    http: {
      requestTimeout: t.requestMs,
      headersTimeout: t.headersMs,
      connectionsCheckingInterval: Math.min(2_000, Math.max(50, Math.floor(shortest / 4))),
    },
  };
}
