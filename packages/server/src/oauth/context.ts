import type { AppService } from '../apps/app-service.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AppWithSecrets, TokenEndpointAuthMethod } from '../storage/types.ts';
import type { TokenIssuer } from '../tokens/token-issuer.ts';
import type { ClientAssertionServices } from './client-auth/assertion-services.ts';
import type { BasicCredentials } from './client-auth/basic-credentials.ts';
import type { ClientAuthLimits } from './client-auth/limits.ts';
import type { Params } from './params.ts';
import type { PushedRequests } from './pushed-requests.ts';
import type { ResourceIndicators } from './resources.ts';
import type { ScopeModel } from './scopes/model.ts';

/**
 * What the protocol core's endpoints need from the rest of the server; nothing else leaks in.
 * Grant handlers get their own, complete context (grants/grant-context.ts).
 */
export interface OAuthContext {
  issuer: string;
  apps: AppService;
  tokens: TokenIssuer;
  /** The scope catalog in use and the algebra bound to it. */
  scopes: ScopeModel;
  /** The catalog's resources (RFC 8707): the authorization endpoint checks `resource` against them. */
  resources?: ResourceIndicators;
  /** Called after a successful client authentication (for last-used tracking). */
  onClientUsed?(app: AppWithSecrets): void;
  /** Where failed client authentications are counted; absent when metrics are off. */
  metrics?: Metrics | undefined;
  /** Keys, secrets and jti store for private_key_jwt and client_secret_jwt; absent: both refused. */
  assertions?: ClientAssertionServices | undefined;
  /** Pushed authorization requests (RFC 9126); absent: a request_uri is never found. */
  pushedRequests?: PushedRequests | undefined;
}

/** A token-endpoint request as the protocol core sees it: HTTP already stripped away. */
export interface TokenEndpointRequest {
  params: Params;
  /** The raw Authorization header, if any. */
  authorization?: string;
  /** The Authorization header's Basic credentials once decoded (client-auth/basic-credentials.ts). */
  basic?: BasicCredentials | undefined;
  /** The caller's address, as the failure budgets key it. */
  address?: string;
  /** Failure and volume brakes around client authentication; none when absent. */
  limits?: ClientAuthLimits | undefined;
  /** The `DPoP` header, if any (RFC 9449 4): a proof the token endpoint checks. */
  dpop?: string;
  /** The request's URI as this server's issuer spells it, without query: the proof's `htu`. */
  htu?: string;
  /**
   * Set by the token endpoint once the DPoP proof checked out: the thumbprint (RFC 7638) of
   * its key, to which the grant binds what it issues. Never taken from the client directly.
   */
  dpopJkt?: string;
}

export type ClientAuthMethodName = TokenEndpointAuthMethod;

export interface AuthenticatedClient {
  app: AppWithSecrets;
  method: ClientAuthMethodName;
}

/** RFC 6749 section 5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  /** `DPoP` when the access token is bound to a DPoP key (RFC 9449 5). */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  [extension: string]: unknown;
}
