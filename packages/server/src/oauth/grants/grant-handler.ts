import type { AuthenticatedClient, OAuthContext, TokenEndpointRequest, TokenResponse } from '../context.ts';

/**
 * The contract every grant type implements, built-in or custom. The token endpoint has
 * already authenticated the client and checked that the app may use this grant type.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4
 */
export interface GrantHandler {
  readonly grantType: string;
  handle(req: TokenEndpointRequest, client: AuthenticatedClient, ctx: OAuthContext): Promise<TokenResponse>;
}
