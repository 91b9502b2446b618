import type { FastifyInstance } from 'fastify';

/**
 * Headers every response gets unless a route set its own (pages set a CSP with their
 * nonce-free policy). JSON never needs to run in or be framed by a browser.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  // Callback style, not async: no promise per response (this runs on every token request).
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('content-security-policy'))
      reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    reply.header('X-Content-Type-Options', 'nosniff');
    if (!reply.hasHeader('referrer-policy')) reply.header('Referrer-Policy', 'no-referrer');
    if (!reply.hasHeader('x-frame-options')) reply.header('X-Frame-Options', 'DENY');
    done(null, payload);
  });
}
