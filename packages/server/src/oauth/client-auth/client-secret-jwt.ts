import {
  authenticateWithAssertion,
  CLIENT_SECRET_JWT_ALGS,
  clientAssertionOf,
  isHmacAssertion,
} from './client-assertion.ts';
import type { ClientAuthMethod } from './method.ts';

/**
 * A JWT the client signs with HMAC under its client secret: the secret itself never crosses
 * the wire. Verifying needs the secret in clear, so an app registered for this method keeps
 * its secrets sealed under the server secret, not only hashed (docs/client-authentication.md).
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export const clientSecretJwt: ClientAuthMethod = {
  name: 'client_secret_jwt',

  present(req) {
    const assertion = clientAssertionOf(req);
    return assertion !== undefined && isHmacAssertion(assertion);
  },

  authenticate(req, ctx) {
    return authenticateWithAssertion(req, ctx, 'client_secret_jwt', CLIENT_SECRET_JWT_ALGS, (app, services) =>
      services.hmacSecrets(app),
    );
  },
};
