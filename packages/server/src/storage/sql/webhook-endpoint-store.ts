import type { MutationOptions } from '../common.ts';
import type { WebhookEndpoint } from '../types.ts';
import type { WebhookEndpointStore } from '../webhook-endpoint-store.ts';
import type { SqlContext } from './context.ts';
import { toEndpoint } from './webhooks.ts';

export class SqlWebhookEndpointStore implements WebhookEndpointStore {
  constructor(private readonly ctx: SqlContext) {}

  async createWebhookEndpoint(
    e: Omit<WebhookEndpoint, 'createdAt' | 'disabledAt'>,
    opts: MutationOptions = {},
  ) {
    return this.ctx.audited(async (tx) => {
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
    const rows = await this.ctx.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toEndpoint);
  }

  async getWebhookEndpoint(companyId: string, id: string) {
    const row = await this.ctx.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  async getWebhookEndpointById(id: string) {
    const row = await this.ctx.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toEndpoint(row);
  }

  deleteWebhookEndpoint(companyId: string, id: string, opts: MutationOptions = {}) {
    return this.ctx.audited(async (tx) => {
      const res = await tx
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .where('company_id', '=', companyId)
        .executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    }, opts.audit);
  }
}
