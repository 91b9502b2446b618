import type { FastifyInstance } from 'fastify';
import { DATABASE_RETRY_AFTER } from '../errors.ts';

/** The ping did not answer within the readiness deadline. */
class ReadinessDeadline extends Error {
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms`);
  }
}

/** Resolves when `ping` does, rejects when it fails or when `ms` pass first. */
function withDeadline(ping: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadinessDeadline(ms)), ms);
  });
  // The ping, if it loses, still ends within the storage's own timeouts.
  return Promise.race([ping, deadline]).finally(() => clearTimeout(timer));
}

/**
 * /healthz: the process answers. /readyz: and its database does, within `timeoutMs` (for
 * load balancers: a partitioned database must read as "not ready" before the probe itself
 * gives up, not hold the probe for the length of a TCP timeout).
 */
export function healthRoutes(
  app: FastifyInstance,
  opts: {
    /** Resolves when the database answers (Gatehouse.ping). */
    ping: () => Promise<void>;
    timeoutMs: number;
  },
): void {
  app.get('/healthz', { config: { jsonOnly: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { jsonOnly: false } }, async (request, reply) => {
    try {
      await withDeadline(opts.ping(), opts.timeoutMs);
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      reply.code(503).header('Retry-After', String(DATABASE_RETRY_AFTER)).header('Cache-Control', 'no-store');
      return {
        error: 'temporarily_unavailable',
        error_description:
          err instanceof ReadinessDeadline
            ? 'the database did not answer in time'
            : 'the database is unreachable',
      };
    }
  });
}
