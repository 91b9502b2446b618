import type { App, DomainEventInput, Grant, WebhookEventType } from '../storage/types.ts';

/**
 * Builders for the webhook events, so every code path that reports a change sends the
 * same shape. Both sides of a grant hear of it: the company that granted access and the
 * company that owns the app (for a partner app, the partner).
 */

/** An event about `app` that `companyId` and the app's own company both hear of. */
function toBothSides(
  type: WebhookEventType,
  companyId: string,
  app: Pick<App, 'id' | 'companyId'>,
  data: Record<string, unknown>,
): DomainEventInput {
  return { type, companyIds: [companyId, app.companyId], appId: app.id, data };
}

/** The fields that name a grant, first in every authorization.* event. */
function grantFields(grant: Pick<Grant, 'guid' | 'companyId'>, app: Pick<App, 'clientId'>) {
  return { guid: grant.guid, company_id: grant.companyId, client_id: app.clientId };
}

export function authorizationGranted(
  grant: Pick<Grant, 'guid' | 'companyId' | 'scopes' | 'grantedBy'>,
  app: Pick<App, 'id' | 'clientId' | 'companyId' | 'name'>,
): DomainEventInput {
  return toBothSides('authorization.granted', grant.companyId, app, {
    ...grantFields(grant, app),
    app_name: app.name,
    scope: grant.scopes.join(' '),
    granted_by: grant.grantedBy,
    granted_at: new Date().toISOString(),
  });
}

export function authorizationRevoked(
  grant: Pick<Grant, 'guid' | 'companyId'>,
  app: Pick<App, 'id' | 'clientId' | 'companyId'>,
  revokedBy: string,
): DomainEventInput {
  return toBothSides('authorization.revoked', grant.companyId, app, {
    ...grantFields(grant, app),
    revoked_by: revokedBy,
    revoked_at: new Date().toISOString(),
  });
}

export function refreshTokenReuseDetected(
  app: Pick<App, 'id' | 'clientId' | 'companyId'>,
  info: { grantGuid: string | null; companyId: string; familyId: string },
): DomainEventInput {
  return toBothSides('refresh_token.reuse_detected', info.companyId, app, {
    client_id: app.clientId,
    company_id: info.companyId,
    guid: info.grantGuid,
    family_id: info.familyId,
    detected_at: new Date().toISOString(),
  });
}

/** An app's settings changed: its owner hears which fields, with their values before and after. */
export function appUpdated(
  app: Pick<App, 'id' | 'clientId' | 'companyId'>,
  changes: Record<string, { before: unknown; after: unknown }>,
): DomainEventInput {
  return {
    type: 'app.updated',
    companyIds: [app.companyId],
    appId: app.id,
    data: { app_id: app.id, client_id: app.clientId, changes, updated_at: new Date().toISOString() },
  };
}
