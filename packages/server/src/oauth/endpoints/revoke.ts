import type { TokenStore } from '../../storage/storage.ts';
import type { TokenInspector } from '../../tokens/token-inspector.ts';
import { authenticateClient } from '../client-auth/index.ts';
import type { OAuthContext, TokenEndpointRequest } from '../context.ts';
import { InvalidRequest } from '../errors.ts';

/**
 * Token revocation. The client authenticates (public clients by client_id), names a token
 * and gets 200 whatever it was: an access token (JWT or opaque) is revoked by its jti, a
 * refresh token revokes its whole family and the access tokens issued from it. Each
 * revocation reaches the feed resource servers follow in the same transaction. A token that
 * is unknown, expired, already revoked or another client's changes nothing and still answers
 * 200, so the endpoint tells nobody whose tokens exist. `token_type_hint` only orders the
 * look-ups; an unknown hint is ignored, never an error (RFC 7009 2.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export class RevocationEndpoint {
  constructor(
    private readonly deps: {
      inspector: TokenInspector;
      storage: Pick<TokenStore, 'revokeAccessToken' | 'revokeRefreshFamily'>;
      /** Called after a revocation was written (wakes this node's feed at once). */
      onRevoked?: () => void;
    },
  ) {}

  async handle(req: TokenEndpointRequest, ctx: OAuthContext): Promise<void> {
    const token = req.params.get('token');
    const client = await authenticateClient(req, ctx);
    if (token === undefined) throw new InvalidRequest('parameter "token" is required');
    const found = await this.deps.inspector.find(token, req.params.get('token_type_hint'));
    if (!found) return;
    let revoked: boolean;
    if (found.kind === 'refresh') {
      if (found.family.appId !== client.app.id) return;
      revoked = await this.deps.storage.revokeRefreshFamily(found.family.id);
    } else {
      if (found.clientId !== client.app.clientId) return;
      revoked = await this.deps.storage.revokeAccessToken(found.jti, found.expiresAt);
    }
    if (revoked) this.deps.onRevoked?.();
  }
}
