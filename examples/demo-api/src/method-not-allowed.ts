import type { FastifyInstance } from 'fastify';
import { sendJsonError } from './errors.ts';

const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;

/**
 * A known path called with a method it does not serve is 405 with `Allow` (RFC 9110 15.5.6),
 * as the Connect guide's error table lists, not 404. Call before the routes are added; call
 * the function it returns after them: it routes the other methods of every path to the 405,
 * so the router does the matching (parameters included) and served requests pay nothing.
 */
export function answerOtherMethods(app: FastifyInstance): () => void {
  const served = new Map<string, Set<string>>();
  let adding = false;
  app.addHook('onRoute', (route) => {
    if (adding) return;
    const set = served.get(route.url) ?? new Set<string>();
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) {
      set.add(m.toUpperCase());
      // Fastify answers HEAD for every GET route.
      if (m.toUpperCase() === 'GET') set.add('HEAD');
    }
    served.set(route.url, set);
  });
  return () => {
    adding = true;
    for (const [url, methods] of served) {
      const others = METHODS.filter((m) => !methods.has(m));
      if (others.length === 0) continue;
      const allow = [...methods].sort().join(', ');
      app.route({
        method: others,
        url,
        handler: (request, reply) => {
          reply.header('Allow', allow);
          return sendJsonError(
            reply,
            405,
            'method_not_allowed',
            `${request.method} is not allowed here; allowed: ${allow}`,
          );
        },
      });
    }
    adding = false;
  };
}
