/**
 * @gatehouse/resource-server: verify Gatehouse access tokens in an API.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068 JWT access tokens
 * @see https://www.rfc-editor.org/rfc/rfc6750 Bearer token usage
 * @see https://www.rfc-editor.org/rfc/rfc9449 DPoP
 */
export {
  type AuthContext,
  type AuthHeaders,
  authenticate,
  checkRequirements,
  errorResponse,
  type Requirements,
} from './authenticate.ts';
export { extractAccessToken, extractBearerToken, type PresentedToken } from './bearer.ts';
export { type AccessTokenClaims, type ActorClaim, toAccessTokenClaims } from './claims.ts';
export { discoverJwksUri, discoverMetadata, type IssuerMetadata } from './discovery.ts';
export {
  createDpopChecker,
  DEFAULT_DPOP_ALGORITHMS,
  type DpopOptions,
  type DpopProofRequest,
} from './dpop.ts';
export {
  type BearerErrorBody,
  type BearerErrorCode,
  ResourceServerError,
  type ResourceServerErrorCode,
} from './errors.ts';
export {
  createExpressAuth,
  type ExpressAuth,
  type ExpressAuthOptions,
  type ExpressLikeRequest,
  type ExpressLikeResponse,
  type Middleware,
} from './express.ts';
export {
  createFastifyAuth,
  type FastifyAuth,
  type FastifyAuthOptions,
  type FastifyLikeInstance,
  type FastifyLikeReply,
  type FastifyLikeRequest,
  type PreHandler,
} from './fastify.ts';
export { GrantResolver, type ResolvedGrant } from './grants.ts';
export { type RevocationKind, revocationHash } from './hash.ts';
export { createIntrospector, type IntrospectionOptions, type Introspector } from './introspection.ts';
export { RevocationList, type RevocationOptions } from './revocation.ts';
export {
  assertEntityPermission,
  assertScopes,
  DEFAULT_SCOPE_GRAMMAR,
  effectiveScope,
  missingScopes,
} from './scopes.ts';
export { createVerifier, DEFAULT_ALGORITHMS, type Verifier, type VerifierOptions } from './verifier.ts';
export { createWebAuth, type WebAuth, type WebAuthOptions } from './web.ts';
