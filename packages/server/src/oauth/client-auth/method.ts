import type { AppWithSecrets } from '../../storage/types.ts';
import type {
  AuthenticatedClient,
  ClientAuthMethodName,
  OAuthContext,
  TokenEndpointRequest,
} from '../context.ts';

/**
 * One token_endpoint_auth_method. The token endpoint asks each whether the request carries
 * its credentials; exactly one must, and that one authenticates the client.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 */
export interface ClientAuthMethod {
  readonly name: ClientAuthMethodName;
  present(req: TokenEndpointRequest): boolean;
  /** Throws InvalidClient when the credentials do not authenticate an app. */
  authenticate(req: TokenEndpointRequest, ctx: OAuthContext): Promise<AuthenticatedClient>;
}

/**
 * What an app registered for one method (RFC 7591 `token_endpoint_auth_method`) is told when
 * it authenticates with another.
 */
export function methodMismatch(app: AppWithSecrets, used: ClientAuthMethodName): string {
  return `this app authenticates with ${app.tokenEndpointAuthMethod}, not ${used} (its token_endpoint_auth_method)`;
}

/** The secret-presenting methods: an app registered with either accepts both. */
export function acceptsSecret(app: AppWithSecrets): boolean {
  return (
    app.tokenEndpointAuthMethod === 'client_secret_basic' ||
    app.tokenEndpointAuthMethod === 'client_secret_post'
  );
}
