import {
  type AdapterOptions,
  type Guards,
  guards,
  type NodeLikeRequest,
  nodeAuthHeaders,
  propertySlot,
  type Refusal,
  requestCheck,
} from './adapter.ts';
import { errorResponse, type Requirements } from './authenticate.ts';
import type { AccessTokenClaims } from './claims.ts';
import type { ResourceServerError } from './errors.ts';

/**
 * The parts of a Fastify request this adapter uses. Structural, so that this package never
 * imports Fastify at runtime (and works with any Fastify 4/5 version).
 */
export interface FastifyLikeRequest extends NodeLikeRequest {}

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

export interface FastifyAuthOptions extends AdapterOptions<FastifyLikeRequest> {
  /** Request property the auth context is stored on. Default "auth". */
  decorate?: string;
}

/** The preHandlers (see {@link Guards}), the plugin that declares the request property, and helpers. */
export interface FastifyAuth extends Guards<FastifyLikeRequest, PreHandler> {
  /**
   * The plugin: decorates requests with the auth property (null until verified). It opts
   * out of Fastify's encapsulation, as fastify-plugin would, so the decoration is visible
   * to the routes of the instance that registers it.
   */
  plugin: ((instance: FastifyLikeInstance) => Promise<void>) & Record<symbol, unknown>;
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
  const slot = propertySlot<FastifyLikeRequest>(property);
  const check = requestCheck(options, nodeAuthHeaders(options.origin), slot);

  const send = (reply: FastifyLikeReply, { status, headers, body }: Refusal) => {
    reply.code(status);
    for (const [k, v] of Object.entries(headers)) if (k !== 'content-type') reply.header(k, v);
    reply.type(headers['content-type'] as string);
    reply.send(body);
    return reply;
  };

  const guard = (requirements: Requirements<FastifyLikeRequest>): PreHandler => {
    return async (request, reply) => {
      const result = await check(request, requirements);
      // Returning the reply tells Fastify the response was sent from an async hook.
      return 'refusal' in result ? send(reply, result.refusal) : undefined;
    };
  };

  const plugin = Object.assign(
    async (instance: FastifyLikeInstance) => {
      instance.decorateRequest(property, null);
    },
    { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'gatehouse-auth' },
  );

  const handlers = guards(guard, slot);
  return {
    ...handlers,
    plugin,
    claimsOf: (request) => handlers.contextOf(request).claims,
    sendError: (reply, error) =>
      send(reply, errorResponse(error, realm, options.verifier.dpopAlgorithms.join(' '))),
  };
}
