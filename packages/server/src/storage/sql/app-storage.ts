import type { AttemptOutcome, DeliveryFilter, MutationOptions, NewApp, NewAppSecret } from '../storage.ts';
import type { Grant, WebhookEndpoint } from '../types.ts';
import { insertApp, removeApp, rotateSecret, selectAppWithSecrets, touchApps, touchGrants } from './apps.ts';
import { DirectoryStorage } from './directory-storage.ts';
import { revokeGrant, upsertGrant } from './grants.ts';
import { toApp, toGrant } from './mappers.ts';
import {
  claimDueDeliveries,
  listAttempts,
  listDeliveries,
  recordAttempt,
  releaseLease,
  toEndpoint,
} from './webhooks.ts';

/** Apps and their secrets, grants, webhook endpoints and the delivery outbox. */
export class AppStorage extends DirectoryStorage {
  // apps
  async createApp(app: NewApp, secret: NewAppSecret | null, opts: MutationOptions = {}) {
    await this.db.transaction().execute((tx) => insertApp(tx, app, secret, opts.audit));
    const created = await selectAppWithSecrets(this.db, { appId: app.id });
    if (!created) throw new Error('app vanished after insert');
    return created;
  }

  findAppByClientId(clientId: string, now = new Date()) {
    return selectAppWithSecrets(this.db, { clientId }, now.getTime());
  }

  getApp(companyId: string, appId: string) {
    return selectAppWithSecrets(this.db, { appId, companyId });
  }

  getAppById(appId: string) {
    return selectAppWithSecrets(this.db, { appId });
  }

  async listApps(companyId: string) {
    const rows = await this.db
      .selectFrom('apps')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toApp);
  }

  rotateAppSecret(
    companyId: string,
    appId: string,
    secret: NewAppSecret,
    graceUntil: Date,
    opts: MutationOptions = {},
  ) {
    return this.db
      .transaction()
      .execute((tx) => rotateSecret(tx, companyId, appId, secret, graceUntil, opts.audit, opts.events));
  }

  deleteApp(companyId: string, appId: string, opts: MutationOptions = {}) {
    return this.revoking((tx) => removeApp(tx, companyId, appId, opts.audit, opts.events));
  }

  async touchApps(stamps: ReadonlyMap<string, Date>) {
    if (stamps.size === 0) return;
    await this.db.transaction().execute((tx) => touchApps(tx, stamps));
  }

  // grants
  upsertGrant(
    grant: Pick<Grant, 'id' | 'guid' | 'appId' | 'companyId' | 'scopes' | 'grantedBy'>,
    opts: MutationOptions = {},
  ) {
    return this.db.transaction().execute((tx) => upsertGrant(tx, grant, opts.audit, opts.events));
  }

  async getGrantByGuid(guid: string) {
    const row = await this.db.selectFrom('grants').selectAll().where('guid', '=', guid).executeTakeFirst();
    return row && toGrant(row);
  }

  async getActiveGrant(appId: string, companyId: string) {
    const row = await this.db
      .selectFrom('grants')
      .selectAll()
      .where('app_id', '=', appId)
      .where('company_id', '=', companyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toGrant(row);
  }

  async listGrantsOfCompany(companyId: string) {
    const rows = await this.db
      .selectFrom('grants')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toGrant);
  }

  async listGrantsOfApp(appId: string) {
    const rows = await this.db
      .selectFrom('grants')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toGrant);
  }

  async touchGrants(stamps: ReadonlyMap<string, Date>) {
    if (stamps.size === 0) return;
    await this.db.transaction().execute((tx) => touchGrants(tx, stamps));
  }

  revokeGrant(companyId: string, grantId: string, opts: MutationOptions = {}) {
    return this.revoking((tx) => revokeGrant(tx, companyId, grantId, opts.audit, opts.events));
  }

  // webhooks
  async createWebhookEndpoint(
    e: Omit<WebhookEndpoint, 'createdAt' | 'disabledAt'>,
    opts: MutationOptions = {},
  ) {
    return this.audited(async (tx) => {
      const now = Date.now();
      await tx
        .insertInto('webhook_endpoints')
        .values({
          id: e.id,
          company_id: e.companyId,
          app_id: e.appId,
          url: e.url,
          events: JSON.stringify(e.events),
          description: e.description,
          secret_encrypted: e.secretEncrypted,
          secret_last4: e.secretLast4,
          created_at: now,
          disabled_at: null,
        })
        .execute();
      return { ...e, createdAt: new Date(now), disabledAt: null };
    }, opts.audit);
  }

  async listWebhookEndpoints(companyId: string) {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toEndpoint);
  }

  async getWebhookEndpoint(companyId: string, id: string) {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async getWebhookEndpointById(id: string) {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  deleteWebhookEndpoint(companyId: string, id: string, opts: MutationOptions = {}) {
    return this.audited(async (tx) => {
      const res = await tx
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .where('company_id', '=', companyId)
        .executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    }, opts.audit);
  }

  claimDueDeliveries(now: Date, limit: number, leaseMs: number) {
    return this.db.transaction().execute((tx) => claimDueDeliveries(tx, now.getTime(), limit, leaseMs));
  }

  releaseDeliveryLease(deliveryId: string, lockedUntil: Date) {
    return releaseLease(this.db, deliveryId, lockedUntil.getTime());
  }

  recordDeliveryAttempt(deliveryId: string, outcome: AttemptOutcome) {
    return this.db.transaction().execute((tx) => recordAttempt(tx, deliveryId, outcome));
  }

  listWebhookDeliveries(companyId: string, filter: DeliveryFilter = {}) {
    return listDeliveries(this.db, companyId, filter);
  }

  listWebhookAttempts(companyId: string, deliveryId: string) {
    return listAttempts(this.db, companyId, deliveryId);
  }

  async nextDeliveryDue() {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('due'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : new Date(Number(row.due));
  }
}
