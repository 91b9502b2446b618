import { InvalidClient } from '../errors.ts';
import type { ClientAuthMethod } from './method.ts';

/**
 * Public clients (single-page and native apps) identify themselves by client_id alone and
 * prove possession with PKCE instead of a secret. Only apps registered as public may.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.1
 */
export const none: ClientAuthMethod = {
  name: 'none',

  present(req) {
    return (
      req.params.has('client_id') &&
      !req.params.has('client_secret') &&
      !req.params.has('client_assertion') &&
      !req.params.has('client_assertion_type') &&
      req.authorization === undefined
    );
  },

  async authenticate(req, ctx) {
    const clientId = req.params.get('client_id') ?? '';
    const app = await ctx.apps.findByClientId(clientId);
    if (!app) throw new InvalidClient('client authentication failed: unknown client or wrong secret');
    if (app.clientType !== 'public')
      throw new InvalidClient(
        `this client is confidential: authenticate with ${app.tokenEndpointAuthMethod} (its token_endpoint_auth_method)`,
      );
    return { app, method: 'none' };
  },
};
