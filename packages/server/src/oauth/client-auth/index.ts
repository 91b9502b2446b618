import type { AuthenticatedClient, OAuthContext, TokenEndpointRequest } from '../context.ts';
import { InvalidClient, InvalidRequest } from '../errors.ts';
import { clientSecretBasic } from './client-secret-basic.ts';
import { clientSecretJwt } from './client-secret-jwt.ts';
import { clientSecretPost } from './client-secret-post.ts';
import { namedClientId } from './limits.ts';
import type { ClientAuthMethod } from './method.ts';
import { none } from './none.ts';
import { privateKeyJwt } from './private-key-jwt.ts';

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  clientSecretBasic,
  clientSecretPost,
  clientSecretJwt,
  privateKeyJwt,
  none,
];

/**
 * Authenticates the client with the one method whose credentials the request carries.
 * Two at once is ambiguous (RFC 6749 2.3: "MUST NOT use more than one"); none is a 401.
 * With `req.limits`, a caller that has failed too often gets 429 before any secret is
 * compared, and the client's request allowance is counted only once it has authenticated.
 */
export async function authenticateClient(
  req: TokenEndpointRequest,
  ctx: OAuthContext,
  methods: readonly ClientAuthMethod[] = CLIENT_AUTH_METHODS,
): Promise<AuthenticatedClient> {
  const basic = clientSecretBasic.present(req);
  const post = clientSecretPost.present(req);
  if (basic && post)
    throw new InvalidRequest(
      'use one client authentication method: Basic credentials and client_secret were both sent',
    );
  // Read straight from the params, not clientAssertionOf: the secret path stays as it was.
  if ((basic || post) && (req.params.has('client_assertion') || req.params.has('client_assertion_type')))
    throw new InvalidRequest(
      'use one client authentication method: a client secret and a client_assertion were both sent',
    );
  const method = methods.find((m) => m.present(req));
  if (!method) {
    if (req.authorization !== undefined)
      throw new InvalidClient('the Authorization header must use the Basic scheme at the token endpoint', {
        basicAttempted: true,
      });
    throw new InvalidClient(
      'client authentication is required: send HTTP Basic credentials, client_id and client_secret in the body, or a client_assertion',
    );
  }
  const limits = req.limits;
  let client: AuthenticatedClient;
  if (limits === undefined) {
    try {
      client = await method.authenticate(req, ctx);
    } catch (err) {
      if (err instanceof InvalidClient) ctx.metrics?.clientAuthFailed(method.name);
      throw err;
    }
  } else {
    const named = namedClientId(req);
    const address = req.address ?? '';
    let attempt = limits.attempt(named, address);
    // Awaited only when shared through Redis: the in-memory limits answer at once.
    if (attempt instanceof Promise) attempt = await attempt;
    try {
      client = await method.authenticate(req, ctx);
    } catch (err) {
      // Only wrong credentials spend the budget; a database outage is not the caller's failure.
      const failed = err instanceof InvalidClient;
      if (failed) ctx.metrics?.clientAuthFailed(method.name);
      attempt.settle(failed);
      throw err;
    }
    attempt.settle(false);
    const allowed = limits.authenticated(client.app.clientId);
    if (allowed !== undefined) await allowed;
  }
  ctx.onClientUsed?.(client.app);
  return client;
}
