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

/** The parts of an Express (or plain node:http) request the middleware uses. */
export interface ExpressLikeRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** The parts of an Express response the middleware uses: node's ServerResponse API. */
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

export type Middleware = (
  request: ExpressLikeRequest,
  response: ExpressLikeResponse,
  next: (err?: unknown) => void,
) => void;

export interface ExpressAuthOptions {
  verifier: Verifier;
  /** `realm` in WWW-Authenticate challenges. Default "api". */
  realm?: string;
  /** Request property the {@link AuthContext} is stored on. Default "auth". */
  property?: string;
  scopeGrammar?: ScopeGrammar;
  /** Called for every refused request, e.g. to log `error.code` (never the token). */
  onError?: (error: ResourceServerError, request: ExpressLikeRequest) => void;
}

export interface ExpressAuth {
  authenticate: Middleware;
  requireScopes(...scopes: string[]): Middleware;
  requireCompany(): Middleware;
  requireEntityPermission(
    entityId: string | ((request: ExpressLikeRequest, auth: AuthContext) => string | undefined),
    permission: string,
  ): Middleware;
  require(requirements: Requirements<ExpressLikeRequest>): Middleware;
  /** The auth context of a request that passed one of the middlewares. */
  contextOf(request: ExpressLikeRequest): AuthContext;
}

/**
 * Bearer-token protection as Express middleware (also Connect and anything with node's
 * request/response objects), with the RFC 6750 responses of the other adapters. Express is
 * never imported: the types are structural. Errors other than refusals go to `next(err)`.
 *
 * @example
 * const auth = createExpressAuth({ verifier });
 * app.get('/v2/whoami', auth.require({ scopes: ['v1_access'], company: true }), (req, res) =>
 *   res.json({ company: auth.contextOf(req).company }));
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function createExpressAuth(options: ExpressAuthOptions): ExpressAuth {
  const realm = options.realm ?? 'api';
  const property = options.property ?? 'auth';
  const store = (request: ExpressLikeRequest) =>
    request as unknown as Record<string, AuthContext | undefined>;

  const guard =
    (requirements: Requirements<ExpressLikeRequest>): Middleware =>
    (request, response, next) => {
      void (async () => {
        let auth = store(request)[property];
        if (!auth) {
          auth = await authenticate(
            options.verifier,
            {
              authorization: request.headers.authorization,
              companyGuid: request.headers['x-company-guid'],
            },
            options.scopeGrammar,
          );
          store(request)[property] = auth;
        }
        checkRequirements(auth, request, requirements, options.scopeGrammar);
      })().then(
        () => next(),
        (err: unknown) => {
          if (!(err instanceof ResourceServerError)) return next(err);
          options.onError?.(err, request);
          const { status, headers, body } = errorResponse(err, realm);
          response.statusCode = status;
          for (const [k, v] of Object.entries(headers)) response.setHeader(k, v);
          response.end(body);
        },
      );
    };

  return {
    authenticate: guard({}),
    requireScopes: (...scopes) => guard({ scopes }),
    requireCompany: () => guard({ company: true }),
    requireEntityPermission: (id, permission) => guard({ entity: { id, permission } }),
    require: guard,
    contextOf(request) {
      const auth = store(request)[property];
      if (!auth) throw new Error('contextOf() called on a request that was not authenticated');
      return auth;
    },
  };
}
