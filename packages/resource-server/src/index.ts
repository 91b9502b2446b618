/**
 * @gatehouse/resource-server: verify Gatehouse access tokens in an API.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068 JWT access tokens
 * @see https://www.rfc-editor.org/rfc/rfc6750 Bearer token usage
 */
export { extractBearerToken } from './bearer.ts';
export { type AccessTokenClaims, toAccessTokenClaims } from './claims.ts';
export { discoverJwksUri } from './discovery.ts';
export {
  type BearerErrorBody,
  type BearerErrorCode,
  ResourceServerError,
  type ResourceServerErrorCode,
} from './errors.ts';
export {
  createFastifyAuth,
  type FastifyAuth,
  type FastifyAuthOptions,
  type FastifyLikeInstance,
  type FastifyLikeReply,
  type FastifyLikeRequest,
  type PreHandler,
} from './fastify.ts';
export { createIntrospector, type IntrospectionOptions, type Introspector } from './introspection.ts';
export { assertScopes, missingScopes } from './scopes.ts';
export { createVerifier, DEFAULT_ALGORITHMS, type Verifier, type VerifierOptions } from './verifier.ts';
