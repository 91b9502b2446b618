import { InvalidClient } from '../errors.ts';
import { acceptsSecret, type ClientAuthMethod, methodMismatch } from './method.ts';

/**
 * client_id and client_secret in the form body, as the 7shifts, PERSCOM and Culture Amp
 * guides show.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export const clientSecretPost: ClientAuthMethod = {
  name: 'client_secret_post',

  present(req) {
    return req.params.has('client_secret');
  },

  async authenticate(req, ctx) {
    const clientId = req.params.get('client_id');
    const secret = req.params.get('client_secret') ?? '';
    if (clientId === undefined) throw new InvalidClient('client_secret was sent without client_id');
    const app = await ctx.apps.authenticateConfidential(clientId, secret);
    if (app === null) throw new InvalidClient('client authentication failed: unknown client or wrong secret');
    if (!acceptsSecret(app)) throw new InvalidClient(methodMismatch(app, 'client_secret_post'));
    return { app, method: 'client_secret_post' };
  },
};
