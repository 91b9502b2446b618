import { extractBearerToken } from './bearer.ts';
import type { AccessTokenClaims } from './claims.ts';
import { ResourceServerError } from './errors.ts';
import { assertScopes } from './scopes.ts';
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
  /** Request property the verified claims are stored on. Default "accessToken". */
  decorate?: string;
  /** Called for every refused request, e.g. to log `error.code` (never the token). */
  onError?: (error: ResourceServerError, request: FastifyLikeRequest) => void;
}

export interface FastifyAuth {
  /**
   * The plugin: decorates requests with the claims property (null until verified). It
   * opts out of Fastify's encapsulation, as fastify-plugin would, so the decoration is
   * visible to the routes of the instance that registers it.
   */
  plugin: ((instance: FastifyLikeInstance) => Promise<void>) & Record<symbol, unknown>;
  /** preHandler: verifies the bearer token and stores the claims on the request. */
  authenticate: PreHandler;
  /** preHandler: authenticates (if not yet done) and requires every listed scope. */
  requireScopes(...scopes: string[]): PreHandler;
  /** The verified claims of a request that passed `authenticate` or `requireScopes`. */
  claimsOf(request: FastifyLikeRequest): AccessTokenClaims;
  /** Writes an RFC 6750 error response. Also usable from an app's own error handler. */
  sendError(reply: FastifyLikeReply, error: ResourceServerError): FastifyLikeReply;
}

/**
 * Bearer-token protection for Fastify routes, with RFC 6750 errors: 401 with
 * `WWW-Authenticate: Bearer realm="...", error="invalid_token", error_description="..."`
 * for a missing or bad token, 403 `insufficient_scope` naming the needed scopes, and a
 * JSON body `{ error, error_description }` in both cases.
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
  const property = options.decorate ?? 'accessToken';
  const store = (request: FastifyLikeRequest) =>
    request as unknown as Record<string, AccessTokenClaims | null>;

  const sendError = (reply: FastifyLikeReply, error: ResourceServerError): FastifyLikeReply => {
    reply.code(error.status);
    const challenge = error.wwwAuthenticate(realm);
    if (challenge !== undefined) reply.header('WWW-Authenticate', challenge);
    reply.header('Cache-Control', 'no-store');
    reply.type('application/json; charset=utf-8');
    reply.send(JSON.stringify(error.toJSON()));
    return reply;
  };

  const verifyRequest = async (request: FastifyLikeRequest): Promise<AccessTokenClaims> => {
    const existing = store(request)[property];
    if (existing) return existing;
    const claims = await options.verifier.verify(extractBearerToken(request.headers.authorization));
    store(request)[property] = claims;
    return claims;
  };

  const guard = (scopes: readonly string[]): PreHandler => {
    return async (request, reply) => {
      try {
        assertScopes(await verifyRequest(request), scopes);
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

  return {
    plugin,
    authenticate: guard([]),
    requireScopes: (...scopes) => guard(scopes),
    claimsOf(request) {
      const claims = store(request)[property];
      if (!claims) throw new Error('claimsOf() called on a request that was not authenticated');
      return claims;
    },
    sendError,
  };
}
