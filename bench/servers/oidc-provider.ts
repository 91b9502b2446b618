/**
 * node-oidc-provider 9 configured as Gatehouse is: one confidential client on
 * client_secret_basic, the client_credentials grant, and resource indicators so that
 * access tokens are ES256-signed JWTs for one API audience with the same scopes.
 * Storage is its built-in in-memory adapter (the fastest it has).
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { announceReady, exitOnSignal } from '../lib/child.ts';
import { BENCH_SCOPE_PARAM, BENCH_SCOPES } from '../lib/constants.ts';

const port = Number(process.env.PORT ?? 0);
const issuer = `http://127.0.0.1:${port}`;
const audience = `${issuer}/api`;
const opaqueAudience = `${issuer}/opaque-api`;
const clientId = 'oidc-bench-client';
const clientSecret = 'oidc-bench-secret-0123456789abcdef0123456789';
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      scope: BENCH_SCOPE_PARAM,
    },
  ],
  jwks: { keys: [jwk] },
  ttl: { ClientCredentials: 3600 },
  scopes: BENCH_SCOPES,
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      // `resource=<issuer>/opaque-api` asks for opaque (introspectable) tokens instead.
      getResourceServerInfo: (_ctx: unknown, resource: string) =>
        resource === opaqueAudience
          ? {
              scope: BENCH_SCOPE_PARAM,
              audience: opaqueAudience,
              accessTokenTTL: 3600,
              accessTokenFormat: 'opaque',
            }
          : {
              scope: BENCH_SCOPE_PARAM,
              audience,
              accessTokenTTL: 3600,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'ES256' } },
            },
    },
  },
});

const server = createServer(provider.callback());
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  exitOnSignal(() => new Promise((r) => server.close(() => r())));
  announceReady({
    url: issuer,
    tokenPath: '/token',
    opaqueResource: opaqueAudience,
    clients: { jwt: { clientId, clientSecret }, opaque: { clientId, clientSecret } },
  });
});
