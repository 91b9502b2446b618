import type { App, AppSecret, AppWithSecrets } from './app-service.ts';
import { tokenExchangeJson } from './token-exchange-settings.ts';

/** A live client secret: only its last four characters, never the secret or its hash. */
export const secretJson = (s: AppSecret) => ({
  id: s.id,
  last4: s.last4,
  created_at: s.createdAt.toISOString(),
  expires_at: s.expiresAt?.toISOString() ?? null,
});

/**
 * An app as the management API and `gatehouse app ... --json` show it, with its live secrets
 * when it was read with them. The management API's response schema leaves out `company_id`
 * (there it is always the caller's own company).
 */
export function appJson(app: App | AppWithSecrets) {
  return {
    id: app.id,
    client_id: app.clientId,
    company_id: app.companyId,
    name: app.name,
    logo_url: app.logoUrl,
    type: app.type,
    client_type: app.clientType,
    grant_types: app.grantTypes,
    scopes: app.scopes,
    redirect_uris: app.redirectUris,
    token_ttl: app.tokenTtl,
    signing_alg: app.signingAlg,
    token_format: app.tokenFormat,
    grant_delivery: app.grantDelivery,
    scope_policy: app.scopePolicy,
    skip_consent: app.skipConsent,
    auto_consent: app.autoConsent,
    refresh_idle_ttl: app.refreshIdleTtl,
    refresh_absolute_ttl: app.refreshAbsoluteTtl,
    refresh_reuse_window: app.refreshReuseWindow,
    token_endpoint_auth_method: app.tokenEndpointAuthMethod,
    jwks: app.jwks,
    jwks_uri: app.jwksUri,
    require_pushed_authorization_requests: app.requirePushedAuthorizationRequests,
    dpop_bound_access_tokens: app.dpopBoundAccessTokens,
    use_dpop_nonce: app.useDpopNonce,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    backchannel_logout_uri: app.backchannelLogoutUri,
    token_exchange: tokenExchangeJson(app.tokenExchange),
    created_at: app.createdAt.toISOString(),
    last_used_at: app.lastUsedAt?.toISOString() ?? null,
    ...('secrets' in app ? { secrets: app.secrets.map(secretJson) } : {}),
  };
}
