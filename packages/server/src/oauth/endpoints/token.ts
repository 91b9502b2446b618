import { authenticateClient } from '../client-auth/index.ts';
import type { OAuthContext, TokenEndpointRequest, TokenResponse } from '../context.ts';
import type { DpopVerifier } from '../dpop/proof.ts';
import { InvalidDpopProof, InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../errors.ts';
import type { GrantContext } from '../grants/grant-context.ts';
import type { GrantRegistry } from '../grants/registry.ts';

/**
 * The token endpoint's dispatcher: grant_type, then client authentication, then the DPoP
 * proof if one came (or the app requires one), then the grant's own handler from the
 * registry, which holds built-in and custom grants alike. A request without a `DPoP` header
 * to an app that does not require one costs nothing more than a property read.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export class TokenEndpoint {
  constructor(
    private readonly grants: GrantRegistry,
    /** What every handler receives (each uses the slice it declares). */
    private readonly grantContext: GrantContext,
    /** Checks DPoP proofs (RFC 9449) and hands out server nonces. */
    private readonly dpop: DpopVerifier,
    /** The token endpoint's URI, the `htu` proofs must name when the route does not say. */
    private readonly tokenUri: string,
  ) {}

  async handle(req: TokenEndpointRequest, ctx: OAuthContext): Promise<TokenResponse> {
    const grantType = req.params.get('grant_type');
    if (grantType === undefined) throw new InvalidRequest('parameter "grant_type" is required');
    const handler = this.grants.handler(grantType);
    if (!handler)
      throw new UnsupportedGrantType(
        `grant_type "${grantType.slice(0, 60)}" is not supported (supported: ${this.grants.tokenGrantTypes.join(', ')})`,
      );
    const client = await authenticateClient(req, ctx);
    if (!client.app.grantTypes.includes(grantType))
      throw new UnauthorizedClient(`this app is not allowed to use the ${grantType} grant`);
    if (req.dpop !== undefined)
      req.dpopJkt = await this.dpop.verify(req.dpop, {
        htm: 'POST',
        htu: req.htu ?? this.tokenUri,
        requireNonce: client.app.useDpopNonce,
      });
    else if (client.app.dpopBoundAccessTokens)
      throw new InvalidDpopProof(
        'this app must send a DPoP proof (the DPoP header) with every token request',
      );
    const metrics = this.grantContext.metrics;
    // Metrics off: the handler's promise is returned as it is, with no await added.
    if (metrics === undefined) return handler.handle(req, client, this.grantContext);
    const response = await handler.handle(req, client, this.grantContext);
    metrics.tokenIssued(grantType, client.app.tokenFormat);
    return response;
  }
}
