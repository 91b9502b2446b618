import type { AppService } from '../apps/app-service.ts';
import type { Storage } from '../storage/storage.ts';
import type { AppWithSecrets, Grant } from '../storage/types.ts';
import type { IdTokenIssuer } from '../tokens/id-token.ts';
import type { TokenIssuer } from '../tokens/token-issuer.ts';
import type { BasicCredentials } from './client-auth/basic-credentials.ts';
import type { ClientAuthLimits } from './client-auth/limits.ts';
import type { Params } from './params.ts';
import type { ScopeModel } from './scopes/model.ts';

/** What the protocol core needs from the rest of the server; nothing else leaks in. */
export interface OAuthContext {
  issuer: string;
  apps: AppService;
  tokens: TokenIssuer;
  /** The scope catalog in use and the algebra bound to it. */
  scopes: ScopeModel;
  /** Called after a successful client authentication (for last-used tracking). */
  onClientUsed?(app: AppWithSecrets): void;
  /** Called when a token is issued under a grant (for the Connected Apps "last used"). */
  onGrantUsed?(grantId: string): void;
  /**
   * Company grants by GUID (GrantService): client_credentials with `company_guid` asks for
   * the active grant of the calling app. Without it, that parameter is refused.
   */
  companyGrants?: {
    activeGrantForClient(guid: string, clientId: string): Promise<{ grant: Grant } | undefined>;
  };
  /** Codes, refresh tokens and ID tokens: what the user-delegated grants need. */
  delegation?: {
    storage: Storage;
    idTokens: IdTokenIssuer;
    /** The server's refresh reuse window in seconds (config `refreshReuseWindowSeconds`). */
    refreshReuseWindowSeconds: number;
    /** The refresh grant's clock (ms); Date.now unless a test steps it past a window. */
    now?: () => number;
  };
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
}

export type ClientAuthMethodName = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface AuthenticatedClient {
  app: AppWithSecrets;
  method: ClientAuthMethodName;
}

/** RFC 6749 section 5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  [extension: string]: unknown;
}
