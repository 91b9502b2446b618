import type { FastifyInstance } from 'fastify';
import type { Storage } from '../../storage/storage.ts';

/** /healthz: the process answers. /readyz: and its database does (for load balancers). */
export function healthRoutes(app: FastifyInstance, opts: { storage: Storage }): void {
  app.get('/healthz', { config: { jsonOnly: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { jsonOnly: false } }, async (request, reply) => {
    try {
      await opts.storage.ping();
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      reply.code(503).header('Retry-After', '5');
      return { error: 'temporarily_unavailable', error_description: 'the database is unreachable' };
    }
  });
}
