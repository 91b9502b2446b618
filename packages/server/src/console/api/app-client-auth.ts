import { Type } from '@sinclair/typebox';
import type { JwkSet } from '../../apps/app-service.ts';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../../apps/app-service.ts';
import { MAX_JWKS_KEYS } from '../../apps/client-auth-settings.ts';

const Jwks = Type.Object(
  {
    keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      minItems: 1,
      maxItems: MAX_JWKS_KEYS,
      description: 'public JWKs (RSA, EC or OKP); private members are refused',
    }),
  },
  { description: 'a JWK Set of the public keys private_key_jwt assertions are signed with' },
);

/** How an app authenticates, as the management API shows it (docs/client-authentication.md). */
export const clientAuthView = {
  token_endpoint_auth_method: Type.String(),
  jwks: Type.Union([Jwks, Type.Null()]),
  jwks_uri: Type.Union([Type.String(), Type.Null()]),
  require_pushed_authorization_requests: Type.Boolean(),
};

/** The same settings as creation and PATCH take them: every one optional. */
export const clientAuthInput = {
  token_endpoint_auth_method: Type.Optional(
    Type.Union(
      TOKEN_ENDPOINT_AUTH_METHODS.map((m) => Type.Literal(m)),
      {
        description:
          'how the app authenticates (one method per app): client_secret_basic (default for confidential apps; client_secret_post is accepted too), client_secret_post, client_secret_jwt, private_key_jwt, none (public apps)',
      },
    ),
  ),
  jwks: Type.Optional(Type.Union([Jwks, Type.Null()])),
  jwks_uri: Type.Optional(
    Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
      description: 'https URL of the JWK Set (fetched with a timeout and cached); not together with jwks',
    }),
  ),
  require_pushed_authorization_requests: Type.Optional(
    Type.Boolean({ description: 'accept only pushed authorization requests (RFC 9126) from this app' }),
  ),
};

interface ClientAuthBody {
  token_endpoint_auth_method?: string | undefined;
  jwks?: JwkSet | null | undefined;
  jwks_uri?: string | null | undefined;
  require_pushed_authorization_requests?: boolean | undefined;
}

/** The body's client authentication settings, as the app service takes them (absent: unchanged). */
export function clientAuthFields(body: ClientAuthBody) {
  return {
    ...(body.token_endpoint_auth_method === undefined
      ? {}
      : { tokenEndpointAuthMethod: body.token_endpoint_auth_method }),
    ...(body.jwks === undefined ? {} : { jwks: body.jwks }),
    ...(body.jwks_uri === undefined ? {} : { jwksUri: body.jwks_uri }),
    ...(body.require_pushed_authorization_requests === undefined
      ? {}
      : { requirePushedAuthorizationRequests: body.require_pushed_authorization_requests }),
  };
}
