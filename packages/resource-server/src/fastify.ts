import type { ScopeGrammar } from '@gatehouse/scopes';
import {
  type AuthContext,
  authenticate,
  checkRequirements,
  errorResponse,
  type Requirements,
} from './authenticate.ts';
import type { AccessTokenClaims } from './claims.ts';
import { ResourceServerError } from './errors.ts';
import type { Verifier } from './verifier.ts';

/**
 * The parts of a Fastify request this adapter uses. Structural, so that this package never
 * imports Fastify at runtime (and works with any Fastify 4/5 version).
 */
export interface FastifyLikeRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** The parts of a Fastify reply this adapter uses. */
export interface FastifyLikeReply {
  code(statusCode: number): unknown;
  header(name: string, value: string): unknown;
  type(contentType: string): unknown;
  send(payload?: unknown): unknown;
}

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyLikeInstance {
  decorateRequest(property: string, value: null): unknown;
}

export type PreHandler = (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>;

export interface FastifyAuthOptions {
  verifier: Verifier;
  /** `realm` in WWW-Authenticate challenges. Default "api". */
  realm?: string;
  /** Request property the {@link AuthContext} is stored on. Default "auth". */
  decorate?: string;
  /** Scope names that are parameterized. Default `target-entity`. */
  scopeGrammar?: ScopeGrammar;
  /** Called for every refused request, e.g. to log `error.code` (never the token). */
  onError?: (error: ResourceServerError, request: FastifyLikeRequest) => void;
}

export interface FastifyAuth {
  /**
   * The plugin: decorates requests with the auth property (null until verified). It opts
   * out of Fastify's encapsulation, as fastify-plugin would, so the decoration is visible
   * to the routes of the instance that registers it.
   */
  plugin: ((instance: FastifyLikeInstance) => Promise<void>) & Record<symbol, unknown>;
  /** preHandler: verifies the bearer token (and x-company-guid, if sent). */
  authenticate: PreHandler;
  /** preHandler: authenticates (if not yet done) and requires every listed scope. */
  requireScopes(...scopes: string[]): PreHandler;
  /** preHandler: the request must reach a company (403 `company_required` otherwise). */
  requireCompany(): PreHandler;
  /** preHandler: a permission on an entity through a parameterized scope. */
  requireEntityPermission(
    entityId: string | ((request: FastifyLikeRequest, auth: AuthContext) => string | undefined),
    permission: string,
  ): PreHandler;
  /** preHandler for any combination of requirements. */
  require(requirements: Requirements<FastifyLikeRequest>): PreHandler;
  /** The auth context of a request that passed one of the preHandlers. */
  contextOf(request: FastifyLikeRequest): AuthContext;
  /** The verified claims of a request that passed one of the preHandlers. */
  claimsOf(request: FastifyLikeRequest): AccessTokenClaims;
  /** Writes an RFC 6750 error response. Also usable from an app's own error handler. */
  sendError(reply: FastifyLikeReply, error: ResourceServerError): FastifyLikeReply;
}

/**
 * Bearer-token protection for Fastify routes, with RFC 6750 errors: 401 with
 * `WWW-Authenticate: Bearer realm="...", error="invalid_token", error_description="..."`
 * for a missing, bad or revoked token, 403 `insufficient_scope` naming the needed scopes,
 * 403 `company_required` / `grant_not_found` / `company_mismatch` for x-company-guid
 * problems, and a JSON body `{ error, error_description }` in every case.
 *
 * @example
 * const auth = createFastifyAuth({ verifier: createVerifier({ issuer, audience }) });
 * await app.register(auth.plugin);
 * app.get('/users', { preHandler: auth.requireScopes('users.read') }, (req) => auth.claimsOf(req).sub);
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function createFastifyAuth(options: FastifyAuthOptions): FastifyAuth {
  const realm = options.realm ?? 'api';
  const property = options.decorate ?? 'auth';
  const store = (request: FastifyLikeRequest) => request as unknown as Record<string, AuthContext | null>;

  const sendError = (reply: FastifyLikeReply, error: ResourceServerError): FastifyLikeReply => {
    const { status, headers, body } = errorResponse(error, realm);
    reply.code(status);
    for (const [k, v] of Object.entries(headers)) if (k !== 'content-type') reply.header(k, v);
    reply.type(headers['content-type'] as string);
    reply.send(body);
    return reply;
  };

  const contextFor = async (request: FastifyLikeRequest): Promise<AuthContext> => {
    const existing = store(request)[property];
    if (existing) return existing;
    const auth = await authenticate(
      options.verifier,
      {
        authorization: request.headers.authorization,
        companyGuid: request.headers['x-company-guid'],
      },
      options.scopeGrammar,
    );
    store(request)[property] = auth;
    return auth;
  };

  const guard = (requirements: Requirements<FastifyLikeRequest>): PreHandler => {
    return async (request, reply) => {
      try {
        checkRequirements(await contextFor(request), request, requirements, options.scopeGrammar);
      } catch (err) {
        if (!(err instanceof ResourceServerError)) throw err;
        options.onError?.(err, request);
        // Returning the reply tells Fastify the response was sent from an async hook.
        return sendError(reply, err);
      }
      return undefined;
    };
  };

  const plugin = Object.assign(
    async (instance: FastifyLikeInstance) => {
      instance.decorateRequest(property, null);
    },
    { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'gatehouse-auth' },
  );

  const contextOf = (request: FastifyLikeRequest): AuthContext => {
    const auth = store(request)[property];
    if (!auth) throw new Error('contextOf() called on a request that was not authenticated');
    return auth;
  };

  return {
    plugin,
    authenticate: guard({}),
    requireScopes: (...scopes) => guard({ scopes }),
    requireCompany: () => guard({ company: true }),
    requireEntityPermission: (id, permission) => guard({ entity: { id, permission } }),
    require: guard,
    contextOf,
    claimsOf: (request) => contextOf(request).claims,
    sendError,
  };
}
