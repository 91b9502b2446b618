import { LOCALES } from '../i18n/catalogs.ts';
import { CLIENT_AUTH_METHODS } from '../oauth/client-auth/index.ts';
import { DPOP_SIGNING_ALGS } from '../oauth/dpop/proof.ts';
import { INTROSPECTION_AUTH_METHODS } from '../oauth/endpoints/introspect.ts';
import { ASSERTION_SIGNING_ALGS, authorizationServerMetadata } from '../oauth/endpoints/metadata.ts';
import type { GrantRegistry } from '../oauth/grants/registry.ts';
import type { ScopeModel } from '../oauth/scopes/model.ts';
import { REGISTRATION_PATH } from '../registration/registration-service.ts';

/**
 * The authorization server metadata (RFC 8414) of the wired server: every endpoint it serves
 * and what each accepts. Gatehouse.metadata() answers with it.
 */
export function gatehouseMetadata(
  issuer: string,
  grantTypes: GrantRegistry,
  scopes: ScopeModel,
  /** Whether some app may use the implicit grant. */
  implicitInUse: boolean,
): Record<string, unknown> {
  return authorizationServerMetadata({
    issuer,
    grantTypes: grantTypes.tokenGrantTypes,
    scopes: scopes.supported(),
    tokenPath: '/oauth2/token',
    extra: {
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      response_types_supported: implicitInUse ? ['code', 'token'] : ['code'],
      response_modes_supported: implicitInUse ? ['query', 'fragment'] : ['query'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      revocation_feed_endpoint: `${issuer}/oauth2/revocations`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.map((m) => m.name),
      revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGS,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      introspection_endpoint_auth_methods_supported: INTROSPECTION_AUTH_METHODS.map((m) => m.name),
      introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGS,
      grant_resolution_endpoint: `${issuer}/oauth2/grants`,
      // The languages of the sign-in and consent pages (`ui_locales`, docs/branding.md).
      ui_locales_supported: LOCALES.map((l) => l.tag),
      device_authorization_endpoint: `${issuer}/oauth2/device_authorization`,
      pushed_authorization_request_endpoint: `${issuer}/oauth2/par`,
      // Per app (its require_pushed_authorization_requests), not for every client.
      require_pushed_authorization_requests: false,
      dpop_signing_alg_values_supported: DPOP_SIGNING_ALGS,
      // RFC 7591: with an initial access token from a company admin (docs/flows/registration.md).
      registration_endpoint: `${issuer}${REGISTRATION_PATH}`,
    },
  });
}
