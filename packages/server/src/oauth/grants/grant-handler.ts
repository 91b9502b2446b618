import type { AuthenticatedClient, TokenEndpointRequest, TokenResponse } from '../context.ts';
import type { GrantContext } from './grant-context.ts';

/**
 * The contract every grant type implements, built-in or custom, and registers through
 * `GrantRegistry.register` (registry.ts). The token endpoint has already authenticated the
 * client and checked that the app may use this grant type; the handler validates its own
 * parameters and throws an OAuthError (errors.ts) for anything it refuses.
 *
 * `Needs` names the slice of the {@link GrantContext} the handler uses; `handle` sees only
 * that slice. Leave it out to receive the whole context.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.5
 */
export interface GrantHandler<Needs extends keyof GrantContext = keyof GrantContext> {
  /** The `grant_type` value: a name of RFC 6749 A.10 grammar, or an absolute URI (4.5). */
  readonly grantType: string;
  handle(
    req: TokenEndpointRequest,
    client: AuthenticatedClient,
    ctx: Pick<GrantContext, Needs>,
  ): Promise<TokenResponse>;
}
