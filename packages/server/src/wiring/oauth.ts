import type { AppService } from '../apps/app-service.ts';
import { AssertionReplayGuard } from '../apps/assertion-replay.ts';
import { ClientKeys } from '../apps/client-keys.ts';
import { LastUsedRecorder } from '../apps/last-used.ts';
import type { AuthorizationService } from '../authorization/authorization-service.ts';
import { DeviceVerification } from '../authorization/device-verification.ts';
import { PushedRequestService } from '../authorization/pushed-request-service.ts';
import type { SessionService } from '../authorization/session-service.ts';
import { DEFAULT_USER_CODE_THROTTLE, UserCodeThrottle } from '../authorization/user-code-throttle.ts';
import type { AccessPolicy } from '../companies/access-policy.ts';
import type { CompanyGrantService } from '../consents/company-grant-service.ts';
import { dpopNonceKey, openSecret } from '../keys/crypto.ts';
import { UsedDpopProofs } from '../limits/used-proofs.ts';
import type { OAuthContext } from '../oauth/context.ts';
import { DpopNonces } from '../oauth/dpop/nonces.ts';
import { DpopVerifier } from '../oauth/dpop/proof.ts';
import {
  DEFAULT_DEVICE_SETTINGS,
  DeviceAuthorizationEndpoint,
} from '../oauth/endpoints/device-authorization.ts';
import { IntrospectionEndpoint } from '../oauth/endpoints/introspect.ts';
import { PushedAuthorizationEndpoint } from '../oauth/endpoints/par.ts';
import { RevocationEndpoint } from '../oauth/endpoints/revoke.ts';
import { TokenEndpoint } from '../oauth/endpoints/token.ts';
import type { GrantRegistry } from '../oauth/grants/registry.ts';
import type { ResourceIndicators } from '../oauth/resources.ts';
import type { ScopeModel } from '../oauth/scopes/model.ts';
import type { IdTokenIssuer } from '../tokens/id-token.ts';
import type { TokenInspector } from '../tokens/token-inspector.ts';
import type { TokenIssuer } from '../tokens/token-issuer.ts';
import type { Shared } from './shared.ts';

export interface OAuthDeps {
  scopes: ScopeModel;
  resources: ResourceIndicators;
  grantTypes: GrantRegistry;
  /** The client_ids that may introspect every access token (Gatehouse.resourceServers). */
  resourceServers: Set<string>;
  apps: AppService;
  grants: CompanyGrantService;
  access: AccessPolicy;
  tokens: TokenIssuer;
  idTokens: IdTokenIssuer;
  tokenInspector: TokenInspector;
  authorization: AuthorizationService;
  sessions: SessionService;
}

/**
 * The OAuth endpoints and what they share: the context of client authentication (client keys
 * for private_key_jwt and client_secret_jwt, the assertion replay guard, pushed requests),
 * last-used recording, DPoP, the device flow, and the token, revocation, introspection and PAR
 * endpoints.
 */
export function wireOAuth(
  { config, storage, bus, log, metrics, sharedLimits, secretKey, clock }: Shared,
  deps: OAuthDeps,
) {
  const { scopes, resources, apps, tokens, tokenInspector, grants } = deps;
  const lastUsed = new LastUsedRecorder(storage, { log });
  const grantLastUsed = new LastUsedRecorder(storage, { log, kind: 'grants' });
  const clientKeys = new ClientKeys({ ...config.clientJwks, policy: config.webhooks.network }, (sealed) =>
    openSecret(sealed, secretKey),
  );
  const replay = new AssertionReplayGuard(storage, sharedLimits);
  const pushedRequests = new PushedRequestService(storage);
  const pushedAuthorization = new PushedAuthorizationEndpoint(pushedRequests);
  const oauthContext: OAuthContext = {
    issuer: config.issuer,
    apps,
    tokens,
    scopes,
    resources,
    onClientUsed: (app) => lastUsed.record(app.id),
    metrics,
    assertions: {
      publicKeys: (app) => clientKeys.publicKeys(app),
      hmacSecrets: (app) => clientKeys.hmacSecrets(app),
      useJti: (clientId, jti, expiresAt) => replay.useJti(clientId, jti, expiresAt),
      tokenEndpoint: `${config.issuer}/oauth2/token`,
    },
    pushedRequests,
  };
  const device = {
    endpoint: new DeviceAuthorizationEndpoint(
      storage,
      { verificationUri: `${config.issuer}/device`, ...DEFAULT_DEVICE_SETTINGS },
      clock,
    ),
    verification: new DeviceVerification({
      store: storage,
      apps,
      authorization: deps.authorization,
      sessions: deps.sessions,
      access: deps.access,
      throttle: new UserCodeThrottle(config.userCodeThrottle ?? DEFAULT_USER_CODE_THROTTLE, sharedLimits),
    }),
  };
  const dpop = new DpopVerifier({
    nonces: new DpopNonces(dpopNonceKey(config.serverSecret)),
    ledger: new UsedDpopProofs(storage, sharedLimits),
  });
  const tokenEndpoint = new TokenEndpoint(
    deps.grantTypes,
    {
      issuer: config.issuer,
      tokens,
      scopes,
      resources,
      onGrantUsed: (grantId) => grantLastUsed.record(grantId),
      companyGrants: grants,
      codes: storage,
      devices: storage,
      idTokens: deps.idTokens,
      refreshTokens: storage,
      refreshReuseWindowSeconds: config.refreshReuseWindowSeconds,
      now: clock ?? Date.now,
      inspector: tokenInspector,
      audit: storage,
      metrics,
    },
    dpop,
    `${config.issuer}/oauth2/token`,
  );
  const revocation = new RevocationEndpoint({
    inspector: tokenInspector,
    storage,
    onRevoked: () => bus.publishLocal('revocations'),
  });
  const introspection = new IntrospectionEndpoint({
    inspector: tokenInspector,
    issuer: config.issuer,
    audience: config.audience,
    resourceServers: deps.resourceServers,
    grants,
  });
  return {
    lastUsed,
    grantLastUsed,
    oauthContext,
    pushedAuthorization,
    device,
    dpop,
    tokenEndpoint,
    revocation,
    introspection,
  };
}
