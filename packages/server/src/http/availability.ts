import type { FastifyInstance } from 'fastify';
import { GoneError } from '../errors.ts';
import { TemporarilyUnavailable } from '../oauth/errors.ts';

/** Seconds a client should wait during maintenance before trying again. */
export const MAINTENANCE_RETRY_AFTER = 60;

const HEALTH = new Set(['/healthz', '/readyz']);

/**
 * Answers before routing: 503 with Retry-After in maintenance mode (health checks exempt,
 * so a load balancer can still tell "down for maintenance" from "dead"), and 410 for a
 * path under a retired API version prefix.
 */
export function registerAvailability(
  app: FastifyInstance,
  opts: { maintenance: boolean; retiredPathPrefixes: readonly string[] },
): void {
  const prefixes = [...opts.retiredPathPrefixes];
  if (!opts.maintenance && prefixes.length === 0) return;
  app.addHook('onRequest', (request, _reply, done) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (opts.maintenance && !HEALTH.has(path))
      return done(
        new TemporarilyUnavailable(
          'Gatehouse is down for maintenance; try again later',
          MAINTENANCE_RETRY_AFTER,
        ),
      );
    const retired = prefixes.find((p) => path.startsWith(p) || `${path}/` === p);
    if (retired !== undefined)
      return done(new GoneError(`API version ${retired} has been removed; see the current documentation`));
    done();
  });
}
