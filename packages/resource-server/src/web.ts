import { type AdapterOptions, requestCheck } from './adapter.ts';
import type { AuthContext, Requirements } from './authenticate.ts';

export interface WebAuthOptions extends AdapterOptions<Request> {}

export interface WebAuth {
  /**
   * The request's {@link AuthContext}, or the RFC 6750 error `Response` to return as is.
   * Check with `instanceof Response`.
   */
  authenticateRequest(
    request: Request,
    requirements?: Requirements<Request>,
  ): Promise<AuthContext | Response>;
}

/**
 * Bearer-token protection for anything built on the Fetch API's Request and Response:
 * Hono, Next.js route handlers, Cloudflare Workers, Deno, Bun.
 *
 * @example
 * const auth = createWebAuth({ verifier });
 * export async function GET(request: Request) {
 *   const result = await auth.authenticateRequest(request, { scopes: ['users.read'] });
 *   if (result instanceof Response) return result;
 *   return Response.json({ sub: result.claims.sub });
 * }
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function createWebAuth(options: WebAuthOptions): WebAuth {
  const check = requestCheck(options, (request: Request) => ({
    authorization: request.headers.get('authorization'),
    companyGuid: request.headers.get('x-company-guid'),
    dpop: request.headers.get('dpop'),
    method: request.method,
    url: request.url,
  }));
  return {
    async authenticateRequest(request, requirements = {}) {
      const result = await check(request, requirements);
      if (!('refusal' in result)) return result.auth;
      const { status, headers, body } = result.refusal;
      return new Response(body, { status, headers });
    },
  };
}
