/**
 * @gatehouse/client: talk to a Gatehouse authorization server. One runtime dependency, jose
 * (DPoP proofs); fetch and Web Crypto otherwise, so the authorization-code helpers run in
 * browsers too.
 */
export { type AuthFetchOptions, authFetch } from './auth-fetch.ts';
export {
  type AuthorizationRequest,
  type AuthorizationUrlOptions,
  buildAuthorizationUrl,
  type CallbackExpectations,
  type ExchangeCodeOptions,
  exchangeCode,
  type TokenSet,
  validateCallback,
} from './authorization-code.ts';
export {
  type AuthorizationServerMetadata,
  clearDiscoveryCache,
  discover,
  metadataUrl,
} from './discovery.ts';
export { type DpopAlgorithm, type DpopKey, dpopKey } from './dpop.ts';
export {
  CallbackError,
  DiscoveryError,
  GatehouseClientError,
  OAuthError,
  ResponseError,
  TokenResponseError,
} from './errors.ts';
export type { HttpOptions } from './http.ts';
export { codeChallengeS256, generateCodeVerifier } from './pkce.ts';
export { RefreshSession, type RefreshSessionOptions } from './refresh-session.ts';
export { type HeldToken, type RenewalOptions, tokenTiming } from './renewal.ts';
export { parseRetryAfter, type RetryOptions } from './retry.ts';
export type { ClientAuthOptions, DpopOption, EndpointOptions, TokenResponse } from './token-endpoint.ts';
export {
  type ClientCredentialsOptions,
  type ClientCredentialsSource,
  clientCredentials,
  type TokenSource,
} from './token-source.ts';
