import type { FastifyInstance } from 'fastify';
import type { KeyStore } from '../../keys/key-store.ts';

/** RFC 8414 metadata and the JWKS (RFC 7517) that resource servers fetch. */
export function wellKnownRoutes(
  app: FastifyInstance,
  opts: { metadata: () => object; keys: KeyStore },
): void {
  app.get('/.well-known/oauth-authorization-server', async (_req, reply) => {
    reply.header('Cache-Control', 'public, max-age=300');
    return opts.metadata();
  });
  app.get('/.well-known/jwks.json', async (_req, reply) => {
    // Short max-age: a rotated key must reach verifiers quickly; they also refetch on unknown kid.
    reply.header('Cache-Control', 'public, max-age=60').type('application/jwk-set+json');
    return JSON.stringify(opts.keys.publicJwks());
  });
}
