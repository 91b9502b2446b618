import { CLIENT_SECRET_JWT_ALGS, PRIVATE_KEY_JWT_ALGS } from '../client-auth/client-assertion.ts';
import { CLIENT_AUTH_METHODS } from '../client-auth/index.ts';

/** What a client assertion may be signed with, at every endpoint that takes one. */
export const ASSERTION_SIGNING_ALGS: readonly string[] = [...PRIVATE_KEY_JWT_ALGS, ...CLIENT_SECRET_JWT_ALGS];

export interface MetadataInput {
  issuer: string;
  grantTypes: string[];
  scopes: string[];
  tokenPath: string;
  extra?: Record<string, unknown>;
}

/**
 * Authorization server metadata.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function authorizationServerMetadata(input: MetadataInput): Record<string, unknown> {
  const { issuer } = input;
  return {
    issuer,
    token_endpoint: `${issuer}${input.tokenPath}`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    grant_types_supported: input.grantTypes,
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.map((m) => m.name),
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_SIGNING_ALGS,
    scopes_supported: input.scopes,
    response_types_supported: [],
    ...input.extra,
  };
}
