import type { AppService } from '../apps/app-service.ts';
import type { InvalidationBus } from '../cache/invalidation-bus.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { AppStore, DirectoryStore, GrantStore } from '../storage/storage.ts';
import type { DomainEventInput } from '../storage/types.ts';
import { authorizationRevoked } from '../webhooks/events.ts';

/** 409: the company owns partner apps other companies rely on; `force` deletes them anyway. */
export class CompanyHasGrantedApps extends ConflictError {
  constructor(readonly apps: { id: string; clientId: string; name: string; grants: number }[]) {
    super(
      `the company owns partner apps that other companies have granted access to: ${apps
        .map((a) => `${a.name} (${a.clientId}, ${a.grants} grant${a.grants === 1 ? '' : 's'})`)
        .join(', ')}; delete with force to revoke those grants too`,
    );
  }
}

/**
 * Deleting a company: nothing it owned stays usable, and nothing it did is forgotten.
 * In order:
 * 1. refused (409) while it owns partner apps that other companies have granted, unless `force`;
 * 2. each of its apps is deleted through AppService.delete (secrets, grants to it and every
 *    token of it revoked; `app.deleted` to the companies that had granted it);
 * 3. the company goes in one transaction (DirectoryStore.deleteCompany): every grant it gave
 *    revoked onto the feed with `authorization.revoked` to the partners concerned, its
 *    members' tokens for it revoked, its admin keys, webhooks and memberships deleted, its
 *    audit log kept and marked deleted.
 * A repeated or concurrent delete answers 404 (exactly one wins step 3).
 */
export class CompanyDeletion {
  constructor(
    private readonly storage: DirectoryStore & AppStore & GrantStore,
    private readonly apps: Pick<AppService, 'delete'>,
    private readonly bus: InvalidationBus,
  ) {}

  async delete(companyId: string, opts: { force: boolean }, actor: string): Promise<void> {
    const company = await this.storage.getCompany(companyId);
    if (!company) throw new NotFoundError('company');
    const owned = await this.storage.listApps(companyId);
    if (!opts.force) {
      const relied = [];
      for (const app of owned) {
        if (app.type !== 'partner') continue;
        const grants = (await this.storage.listGrantsOfApp(app.id)).filter(
          (g) => g.revokedAt === null && g.companyId !== companyId,
        );
        if (grants.length > 0)
          relied.push({ id: app.id, clientId: app.clientId, name: app.name, grants: grants.length });
      }
      if (relied.length > 0) throw new CompanyHasGrantedApps(relied);
    }
    for (const app of owned) {
      // A concurrent delete may have taken it already: what matters is that it is gone.
      await this.apps.delete(companyId, app.id, actor).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
    }
    const events: DomainEventInput[] = [];
    const guids: string[] = [];
    for (const grant of await this.storage.listGrantsOfCompany(companyId)) {
      if (grant.revokedAt !== null) continue;
      const app = await this.storage.getAppById(grant.appId);
      if (!app) continue;
      events.push(authorizationRevoked(grant, app, actor));
      guids.push(grant.guid);
    }
    const ok = await this.storage.deleteCompany(companyId, {
      audit: {
        companyId,
        actor,
        action: 'company.deleted',
        target: `company:${companyId}`,
        data: { name: company.name, external_id: company.externalId, force: opts.force },
      },
      events,
    });
    if (!ok) throw new NotFoundError('company');
    for (const guid of guids) this.bus.publishLocal(`grant:${guid}`);
    this.bus.publishLocal('revocations');
  }
}
