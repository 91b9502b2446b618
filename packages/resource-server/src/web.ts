import type { ScopeGrammar } from '@gatehouse/scopes';
import {
  type AuthContext,
  authenticate,
  checkRequirements,
  errorResponse,
  type Requirements,
} from './authenticate.ts';
import { ResourceServerError } from './errors.ts';
import type { Verifier } from './verifier.ts';

export interface WebAuthOptions {
  verifier: Verifier;
  /** `realm` in WWW-Authenticate challenges. Default "api". */
  realm?: string;
  scopeGrammar?: ScopeGrammar;
  /** Called for every refused request, e.g. to log `error.code` (never the token). */
  onError?: (error: ResourceServerError, request: Request) => void;
}

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
  const realm = options.realm ?? 'api';
  return {
    async authenticateRequest(request, requirements = {}) {
      try {
        const auth = await authenticate(
          options.verifier,
          {
            authorization: request.headers.get('authorization'),
            companyGuid: request.headers.get('x-company-guid'),
          },
          options.scopeGrammar,
        );
        checkRequirements(auth, request, requirements, options.scopeGrammar);
        return auth;
      } catch (err) {
        if (!(err instanceof ResourceServerError)) throw err;
        options.onError?.(err, request);
        const { status, headers, body } = errorResponse(err, realm);
        return new Response(body, { status, headers });
      }
    },
  };
}
