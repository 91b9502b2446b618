import type { FastifyRequest } from 'fastify';
import { GoneError } from '../errors.ts';
import { TemporarilyUnavailable } from '../oauth/errors.ts';

/** Seconds a client should wait during maintenance before trying again. */
export const MAINTENANCE_RETRY_AFTER = 60;

const HEALTH = new Set(['/healthz', '/readyz']);

/**
 * The retired prefix a request URL falls under, if any: its path (the URL up to `?`) starts
 * with the prefix, or is the prefix without its trailing slash (`/v0` for `/v0/`). Reads the
 * URL in place: this runs on every request.
 */
export function retiredPrefix(url: string, prefixes: readonly string[]): string | undefined {
  const q = url.indexOf('?');
  const pathLength = q === -1 ? url.length : q;
  for (const p of prefixes) {
    if (p.length <= pathLength && url.startsWith(p)) return p;
    if (p.length === pathLength + 1 && p.endsWith('/') && url.startsWith(p.slice(0, -1))) return p;
  }
  return undefined;
}

/**
 * The check made before routing (registered with the others by edge-checks.ts): 503 with
 * Retry-After in maintenance mode (health checks exempt, so a load balancer can still tell
 * "down for maintenance" from "dead"), and 410 for a path under a retired API version prefix.
 * Undefined when neither applies, so that requests pay for nothing.
 */
export function availabilityCheck(opts: {
  maintenance: boolean;
  retiredPathPrefixes: readonly string[];
}): ((request: FastifyRequest) => Error | undefined) | undefined {
  const prefixes = [...opts.retiredPathPrefixes];
  if (!opts.maintenance && prefixes.length === 0) return undefined;
  return (request) => {
    const url = request.url;
    if (opts.maintenance && !HEALTH.has(url.split('?', 1)[0] ?? ''))
      return new TemporarilyUnavailable(
        'Gatehouse is down for maintenance; try again later',
        MAINTENANCE_RETRY_AFTER,
      );
    const retired = retiredPrefix(url, prefixes);
    if (retired !== undefined)
      return new GoneError(`API version ${retired} has been removed; see the current documentation`);
    return undefined;
  };
}
