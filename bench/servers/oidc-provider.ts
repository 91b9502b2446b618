/**
 * node-oidc-provider 9 configured as Gatehouse is: one confidential client on
 * client_secret_basic, the client_credentials grant, and resource indicators so that
 * access tokens are ES256-signed JWTs for one API audience with the same scopes.
 * A second confidential client (the "partner") has authorization_code + refresh_token with
 * PKCE S256 and rotating refresh tokens, issued whenever the client may refresh (as Gatehouse
 * does, no offline_access needed); its codes come from the dev interactions (a login form
 * that accepts any login, then a consent form), driven over HTTP by bench/lib/flow.ts.
 * Storage is its built-in in-memory adapter (the fastest it has), with a larger LRU.
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';
import { announceReady, exitOnSignal } from '../lib/child.ts';
import { BENCH_REDIRECT_URI, BENCH_SCOPE_PARAM, BENCH_SCOPES } from '../lib/constants.ts';

const port = Number(process.env.PORT ?? 0);
const issuer = `http://127.0.0.1:${port}`;
const audience = `${issuer}/api`;
const opaqueAudience = `${issuer}/opaque-api`;
const clientId = 'oidc-bench-client';
const clientSecret = 'oidc-bench-secret-0123456789abcdef0123456789';
const partnerId = 'oidc-bench-partner';
const partnerSecret = 'oidc-bench-partner-secret-0123456789abcdef01';
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
// The private_key_jwt client's key pair: the public half registered, the private half announced.
const keyedId = 'oidc-bench-keyed';
const clientKey = await generateKeyPair('ES256', { extractable: true });
const keyedPublic = { ...(await exportJWK(clientKey.publicKey)), kid: 'bench-client', alg: 'ES256' };
const keyedPrivate = { ...(await exportJWK(clientKey.privateKey)), kid: 'bench-client', alg: 'ES256' };

// The in-memory adapter keeps everything in an LRU of 1,000 entries, which would evict the
// 3,000 codes and refresh tokens the single-use scenarios mint before the clock. Same
// adapter, same LRU class, room for 100,000 entries (what its createMemoryAdapter() does,
// with a larger maxSize).
const store = new LRU({ maxSize: 100_000 });

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
    {
      client_id: keyedId,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [keyedPublic] },
      id_token_signed_response_alg: 'ES256',
      scope: BENCH_SCOPE_PARAM,
    },
    {
      client_id: partnerId,
      client_secret: partnerSecret,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [BENCH_REDIRECT_URI],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      scope: BENCH_SCOPE_PARAM,
    },
  ],
  // Gatehouse: a code lives 60 s, a refresh token rotates on every use, and one is issued
  // whenever the app may use the refresh_token grant.
  ttl: { ClientCredentials: 3600, AccessToken: 3600, AuthorizationCode: 60 },
  rotateRefreshToken: true,
  issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(g: string): boolean }) =>
    client.grantTypeAllowed('refresh_token'),
  pkce: { required: () => true },
  adapter: (model: string) => new MemoryAdapter(model, store),
  jwks: { keys: [jwk] },
  scopes: BENCH_SCOPES,
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    // DPoP-bound tokens when a request carries a proof (the private_key_jwt + DPoP scenario).
    dPoP: { enabled: true },
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
    clients: {
      jwt: { clientId, clientSecret },
      opaque: { clientId, clientSecret },
      keyed: { clientId: keyedId, privateJwk: keyedPrivate },
      partner: { clientId: partnerId, clientSecret: partnerSecret, redirectUri: BENCH_REDIRECT_URI },
    },
    // devInteractions accept any login and password.
    user: { email: 'bench-user', password: 'bench-password' },
  });
});
