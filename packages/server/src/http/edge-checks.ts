import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A check made on every request before routing: the error to answer with, or undefined. */
export type EdgeCheck = (request: FastifyRequest) => Error | undefined;

/**
 * Runs the checks every request gets before routing (availability, the input guard) in one
 * `onRequest` hook, in the order given, the first refusal answering. One hook, not one per
 * check: each global hook is paid by every request, the token endpoint's included.
 * Register once, on the root instance; absent checks (undefined) are skipped at start-up.
 */
export function registerEdgeChecks(app: FastifyInstance, checks: readonly (EdgeCheck | undefined)[]): void {
  const active = checks.filter((c): c is EdgeCheck => c !== undefined);
  if (active.length === 0) return;
  app.addHook('onRequest', (request, _reply, done) => {
    for (const check of active) {
      const refusal = check(request);
      if (refusal !== undefined) return done(refusal);
    }
    done();
  });
}
