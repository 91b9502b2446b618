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
