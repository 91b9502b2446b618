import { authenticateClient } from '../client-auth/index.ts';
import type { OAuthContext, TokenEndpointRequest, TokenResponse } from '../context.ts';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../errors.ts';
import type { GrantHandler } from '../grants/grant-handler.ts';

/**
 * The token endpoint's dispatcher: grant_type, then client authentication, then the
 * grant's own handler. Built-in and custom grants register the same way.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export class TokenEndpoint {
  private readonly grants = new Map<string, GrantHandler>();

  register(handler: GrantHandler): this {
    this.grants.set(handler.grantType, handler);
    return this;
  }

  get grantTypes(): string[] {
    return [...this.grants.keys()];
  }

  async handle(req: TokenEndpointRequest, ctx: OAuthContext): Promise<TokenResponse> {
    const grantType = req.params.get('grant_type');
    if (grantType === undefined) throw new InvalidRequest('parameter "grant_type" is required');
    const handler = this.grants.get(grantType);
    if (!handler)
      throw new UnsupportedGrantType(
        `grant_type "${grantType.slice(0, 60)}" is not supported (supported: ${this.grantTypes.join(', ')})`,
      );
    const client = await authenticateClient(req, ctx);
    if (!client.app.grantTypes.includes(grantType))
      throw new UnauthorizedClient(`this app is not allowed to use the ${grantType} grant`);
    return handler.handle(req, client, ctx);
  }
}
