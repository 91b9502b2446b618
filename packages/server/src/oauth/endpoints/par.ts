import { authenticateClient } from '../client-auth/index.ts';
import type { OAuthContext, TokenEndpointRequest } from '../context.ts';
import { InvalidRequest, OAuthError } from '../errors.ts';
import { Params } from '../params.ts';
import { PUSHED_REQUEST_TTL_S, type PushedRequests } from '../pushed-requests.ts';
import {
  AuthorizationPageError,
  AuthorizationRedirectError,
  validateAuthorizationRequest,
} from './authorize.ts';

/** Client authentication's own parameters: never part of the authorization request kept. */
const CLIENT_AUTH_PARAMS = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

/** RFC 9126 2.2 success response (201). */
export interface PushedAuthorizationResponse {
  request_uri: string;
  expires_in: number;
}

/**
 * The pushed authorization request endpoint: the client authenticates as at the token
 * endpoint, the request is validated as /oauth2/authorize would validate it (errors answered
 * here as JSON, never redirected), and kept for 60 s under a single-use `request_uri` bound to
 * the client. `request_uri` itself may not be pushed, and request objects (`request`, RFC
 * 9101) are not supported.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9126#section-2
 */
export class PushedAuthorizationEndpoint {
  constructor(private readonly pushed: PushedRequests) {}

  async handle(req: TokenEndpointRequest, ctx: OAuthContext): Promise<PushedAuthorizationResponse> {
    const client = await authenticateClient(req, ctx);
    if (req.params.has('request_uri'))
      throw new InvalidRequest('request_uri cannot be pushed (RFC 9126 2.1)');
    if (req.params.has('request'))
      throw new OAuthError(
        'request_not_supported',
        'request objects (the request parameter) are not supported',
      );
    const params: Record<string, string> = {};
    for (const [name, value] of req.params.entries())
      if (!CLIENT_AUTH_PARAMS.has(name) && value !== '') params[name] = value;
    params.client_id = client.app.clientId;
    try {
      await validateAuthorizationRequest(() => Params.fromEntries(Object.entries(params)), ctx, {
        pushed: true,
      });
    } catch (err) {
      if (err instanceof AuthorizationPageError || err instanceof AuthorizationRedirectError) throw err.oauth;
      throw err;
    }
    const requestUri = await this.pushed.push(client.app.clientId, params);
    return { request_uri: requestUri, expires_in: PUSHED_REQUEST_TTL_S };
  }
}
