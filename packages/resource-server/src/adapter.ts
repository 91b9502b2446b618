import type { ScopeGrammar } from '@gatehouse/scopes';
import type { AuthContext, AuthHeaders, Requirements } from './authenticate.ts';
import { authenticate, checkRequirements, errorResponse } from './authenticate.ts';
import { ResourceServerError } from './errors.ts';
import type { Verifier } from './verifier.ts';

/**
 * What the framework adapters (express.ts, fastify.ts, web.ts) share: the request check
 * and the set of guards built on it. Internal; each adapter only translates to and from
 * its framework's request and response.
 */

/** The options of every adapter (each adds its own). */
export interface AdapterOptions<R> {
  verifier: Verifier;
  /** `realm` in WWW-Authenticate challenges. Default "api". */
  realm?: string;
  /** Scope names that are parameterized. Default `target-entity`. */
  scopeGrammar?: ScopeGrammar;
  /** Called for every refused request, e.g. to log `error.code` (never the token). */
  onError?: (error: ResourceServerError, request: R) => void;
  /**
   * The origin clients call this API at (`https://api.example.com`), against which DPoP
   * proofs' `htu` is checked. Default: the request's protocol and Host header, which is
   * right unless a proxy in front rewrites them. Unused by the Web adapter (Request.url is whole).
   */
  origin?: string;
}

/** An RFC 6750 refusal, for the adapter to send as its framework does. */
export type Refusal = ReturnType<typeof errorResponse>;

/** Where an adapter keeps a request's AuthContext, so that stacked guards verify once. */
export interface ContextSlot<R> {
  get(request: R): AuthContext | undefined;
  set(request: R, auth: AuthContext): void;
}

/** A slot on a property of the request object (`request.auth` by default). */
export function propertySlot<R>(property: string): ContextSlot<R> {
  const bag = (request: R) => request as unknown as Record<string, AuthContext | null | undefined>;
  return {
    get: (request) => bag(request)[property] ?? undefined,
    set: (request, auth) => {
      bag(request)[property] = auth;
    },
  };
}

/** A node-style request (node:http, Express, Fastify) as authentication reads it. */
export interface NodeLikeRequest {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  /** The path and query (Express: as mounted; see originalUrl). */
  url?: string;
  /** Express: the path and query as the client sent it. */
  originalUrl?: string;
  /** Express and Fastify: `http` or `https` (after `trust proxy` / `trustProxy`). */
  protocol?: string;
}

/**
 * The headers authentication reads, from node-style (lower-cased) request headers; with a
 * `DPoP` header, also the method and the absolute URL its proof must name (`origin`, else the
 * request's protocol and Host header, then the path).
 */
export function nodeAuthHeaders(origin?: string): (request: NodeLikeRequest) => AuthHeaders {
  return (request) => {
    const headers: AuthHeaders = {
      authorization: request.headers.authorization,
      companyGuid: request.headers['x-company-guid'],
    };
    const dpop = request.headers.dpop;
    if (dpop === undefined) return headers;
    const path = request.originalUrl ?? request.url ?? '/';
    const base = origin ?? `${request.protocol ?? 'http'}://${String(request.headers.host ?? 'localhost')}`;
    return { ...headers, dpop, method: request.method ?? 'GET', url: `${base.replace(/\/$/, '')}${path}` };
  };
}

/**
 * The check every guard runs: authenticates the request (or takes the context a former
 * guard left in `slot`), then checks `requirements`. A refusal (a ResourceServerError) is
 * reported to `onError` and returned as an RFC 6750 response; any other error rejects.
 */
export function requestCheck<R>(
  options: AdapterOptions<R>,
  headersOf: (request: R) => AuthHeaders,
  slot?: ContextSlot<R>,
): (request: R, requirements: Requirements<R>) => Promise<{ auth: AuthContext } | { refusal: Refusal }> {
  const realm = options.realm ?? 'api';
  return async (request, requirements) => {
    try {
      let auth = slot?.get(request);
      if (!auth) {
        auth = await authenticate(options.verifier, headersOf(request), options.scopeGrammar);
        slot?.set(request, auth);
      }
      checkRequirements(auth, request, requirements, options.scopeGrammar);
      return { auth };
    } catch (err) {
      if (!(err instanceof ResourceServerError)) throw err;
      options.onError?.(err, request);
      return { refusal: errorResponse(err, realm, options.verifier.dpopAlgorithms.join(' ')) };
    }
  };
}

/** The guards of an adapter whose guard type is H (a middleware, a preHandler). */
export interface Guards<R, H> {
  /** Verifies the bearer token (and x-company-guid, if sent). */
  authenticate: H;
  /** Authenticates (if not yet done) and requires every listed scope. */
  requireScopes(...scopes: string[]): H;
  /** The request must reach a company (403 `company_required` otherwise). */
  requireCompany(): H;
  /** A permission on an entity through a parameterized scope. */
  requireEntityPermission(
    entityId: string | ((request: R, auth: AuthContext) => string | undefined),
    permission: string,
  ): H;
  /** Any combination of requirements. */
  require(requirements: Requirements<R>): H;
  /** The auth context of a request that passed one of the guards. */
  contextOf(request: R): AuthContext;
}

/** The {@link Guards} made from an adapter's `guard` and the slot its check fills. */
export function guards<R, H>(
  guard: (requirements: Requirements<R>) => H,
  slot: ContextSlot<R>,
): Guards<R, H> {
  return {
    authenticate: guard({}),
    requireScopes: (...scopes) => guard({ scopes }),
    requireCompany: () => guard({ company: true }),
    requireEntityPermission: (id, permission) => guard({ entity: { id, permission } }),
    require: guard,
    contextOf(request) {
      const auth = slot.get(request);
      if (!auth) throw new Error('contextOf() called on a request that was not authenticated');
      return auth;
    },
  };
}
