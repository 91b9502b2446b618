import {
  authenticateWithAssertion,
  clientAssertionOf,
  isHmacAssertion,
  PRIVATE_KEY_JWT_ALGS,
} from './client-assertion.ts';
import type { ClientAuthMethod } from './method.ts';

/**
 * A JWT signed with the client's private key, verified with the public keys the app registered
 * (inline JWKS or a jwks_uri). No secret crosses the wire.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 */
export const privateKeyJwt: ClientAuthMethod = {
  name: 'private_key_jwt',

  present(req) {
    const assertion = clientAssertionOf(req);
    return assertion !== undefined && !isHmacAssertion(assertion);
  },

  authenticate(req, ctx) {
    return authenticateWithAssertion(req, ctx, 'private_key_jwt', PRIVATE_KEY_JWT_ALGS, (app, services) =>
      services.publicKeys(app),
    );
  },
};
