import { type InitialAccessToken, initialAccessTokenStatus } from './initial-access-token-service.ts';

/**
 * An initial access token as the management API and `gatehouse initial-access-token ... --json`
 * show it: never the token or its hash, only its last four characters.
 */
export function initialAccessTokenJson(t: InitialAccessToken) {
  return {
    id: t.id,
    company_id: t.companyId,
    name: t.name,
    last4: t.last4,
    allowed_grant_types: t.allowedGrantTypes,
    allowed_scopes: t.allowedScopes,
    redirect_uri_patterns: t.redirectUriPatterns,
    max_apps: t.maxApps,
    uses: t.uses,
    status: initialAccessTokenStatus(t),
    expires_at: t.expiresAt?.toISOString() ?? null,
    created_by: t.createdBy,
    created_at: t.createdAt.toISOString(),
    revoked_at: t.revokedAt?.toISOString() ?? null,
  };
}
