import { InvalidClient } from '../errors.ts';
import { basicCredentialsOf } from './basic-credentials.ts';
import { acceptsSecret, type ClientAuthMethod, methodMismatch } from './method.ts';

const FAILED = 'client authentication failed: unknown client or wrong secret';

/**
 * HTTP Basic with the client id as user name and the secret as password, each
 * form-urlencoded first (RFC 6749 2.3.1). Secrets Gatehouse issues need no encoding,
 * so `curl --user ID:SECRET` works as the seed guides show.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export const clientSecretBasic: ClientAuthMethod = {
  name: 'client_secret_basic',

  present(req) {
    return basicCredentialsOf(req) !== undefined;
  },

  async authenticate(req, ctx) {
    const fail = (d = FAILED) => new InvalidClient(d, { basicAttempted: true });
    const basic = basicCredentialsOf(req);
    if (basic === undefined) throw fail('the Authorization header is not valid Basic credentials');
    if (!basic.ok) throw fail(basic.reason);
    const { clientId, secret } = basic;
    const bodyClientId = req.params.get('client_id');
    if (bodyClientId !== undefined && bodyClientId !== clientId)
      throw fail('client_id in the body differs from the one in the Authorization header');
    const app = await ctx.apps.authenticateConfidential(clientId, secret);
    if (app === null) throw fail();
    if (!acceptsSecret(app)) throw fail(methodMismatch(app, 'client_secret_basic'));
    return { app, method: 'client_secret_basic' };
  },
};
