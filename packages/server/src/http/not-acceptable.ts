import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { NotAcceptableError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Set `false` on a route that does not answer JSON (HTML pages) or must answer any
     * client (health checks): it skips the 406 check. Every other route is a JSON route.
     */
    jsonOnly?: boolean;
  }
}

/**
 * True when an Accept header admits JSON: absent or empty, `*\/*`, `application/*`,
 * `application/json` or any `+json` type, with a q-value above 0, unless JSON itself is
 * refused with `q=0`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  let any = false;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';');
    const type = (range ?? '').trim().toLowerCase();
    if (type === '') continue;
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const json = type === 'application/json' || type.endsWith('+json');
    if (json && q === 0) return false;
    if (q > 0 && (json || type === '*/*' || type === 'application/*')) any = true;
  }
  return any;
}

const check: onRequestHookHandler = (request, _reply, done) => {
  if (acceptsJson(request.headers.accept)) done();
  else done(new NotAcceptableError());
};

/**
 * Gives every JSON route a 406 for clients that accept only other types (RFC 9110
 * 15.5.7). Register before the routes; routes opt out with `config: { jsonOnly: false }`.
 */
export function registerNotAcceptable(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.jsonOnly === false) return;
    const existing = route.onRequest;
    route.onRequest =
      existing === undefined ? [check] : [check, ...(Array.isArray(existing) ? existing : [existing])];
  });
}
