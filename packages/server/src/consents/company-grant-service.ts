import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { NotFoundError } from '../errors.ts';
import type { AppStore, GrantPageRequest, GrantStore } from '../storage/storage.ts';
import type { App, Grant, Page } from '../storage/types.ts';
import { authorizationRevoked } from '../webhooks/events.ts';

export type { Grant };

/** A grant as the Connected Apps page shows it: with the app it was given to. */
export interface ConnectedApp {
  grant: Grant;
  app: Pick<App, 'id' | 'clientId' | 'name' | 'logoUrl' | 'companyId' | 'type'>;
}

/**
 * Company grants: what the Connected Apps page, the management API and the CLI list and
 * revoke. Revoking is one transaction that marks the grant revoked, appends it to the
 * revocation feed (so resource servers refuse its tokens and its GUID within about a
 * second), writes the audit event and enqueues `authorization.revoked` for both sides.
 */
export class CompanyGrantService {
  constructor(
    private readonly storage: AppStore & GrantStore,
    private readonly bus: InvalidationBus,
  ) {}

  /** Every grant to this company, newest first, active and revoked. */
  async connectedApps(companyId: string): Promise<ConnectedApp[]> {
    const grants = await this.storage.listGrantsOfCompany(companyId);
    const out: ConnectedApp[] = [];
    for (const grant of grants) {
      const app = await this.storage.getAppById(grant.appId);
      if (app) out.push({ grant, app });
    }
    return out;
  }

  /** Grants to this company, newest first, cursor-paged; a forged cursor throws InvalidCursor. */
  async page(companyId: string, page: GrantPageRequest = {}): Promise<Page<ConnectedApp>> {
    const grants = await this.storage.pageGrantsOfCompany(companyId, page);
    const items: ConnectedApp[] = [];
    for (const grant of grants.items) {
      const app = await this.storage.getAppById(grant.appId);
      if (app) items.push({ grant, app });
    }
    return { items, next: grants.next };
  }

  async get(companyId: string, grantId: string): Promise<ConnectedApp> {
    const grant = (await this.storage.listGrantsOfCompany(companyId)).find((g) => g.id === grantId);
    const app = grant && (await this.storage.getAppById(grant.appId));
    if (!grant || !app) throw new NotFoundError('grant');
    return { grant, app };
  }

  /** Revokes an active grant of this company. NotFound for another company's or a revoked one. */
  async revoke(companyId: string, grantId: string, actor: string): Promise<Grant> {
    const { grant, app } = await this.get(companyId, grantId);
    if (grant.revokedAt !== null) throw new NotFoundError('active grant');
    const ok = await this.storage.revokeGrant(companyId, grantId, {
      audit: {
        companyId,
        actor,
        action: 'grant.revoked',
        target: `grant:${grant.id}`,
        data: { guid: grant.guid, app_id: app.id, app_name: app.name },
      },
      events: [authorizationRevoked(grant, app, actor)],
    });
    if (!ok) throw new NotFoundError('active grant');
    this.bus.publishLocal(`grant:${grant.guid}`);
    this.bus.publishLocal('revocations');
    return { ...grant, revokedAt: new Date() };
  }

  /**
   * The active grant a partner names with `x-company-guid`, if it belongs to `clientId`'s
   * app. Undefined otherwise, without saying which check failed.
   */
  async activeGrantForClient(
    guid: string,
    clientId: string,
  ): Promise<{ grant: Grant; app: App } | undefined> {
    const grant = await this.storage.getGrantByGuid(guid);
    if (!grant || grant.revokedAt !== null) return undefined;
    const app = await this.storage.getAppById(grant.appId);
    if (!app || app.clientId !== clientId) return undefined;
    return { grant, app };
  }
}
