import type { AttemptOutcome, DeliveryFilter, WebhookOutbox } from '../webhook-outbox.ts';
import type { SqlContext } from './context.ts';
import {
  claimDueDeliveries,
  listAttempts,
  listDeliveries,
  recordAttempt,
  releaseLease,
  toDelivery,
} from './webhooks.ts';

/** The outbox (sql/webhooks.ts holds the statements; enqueueEvents is called by the other slices). */
export class SqlWebhookOutbox implements WebhookOutbox {
  constructor(private readonly ctx: SqlContext) {}

  claimDueDeliveries(now: Date, limit: number, leaseMs: number) {
    return this.ctx.transaction((tx) => claimDueDeliveries(tx, now.getTime(), limit, leaseMs));
  }

  releaseDeliveryLease(deliveryId: string, lockedUntil: Date) {
    return releaseLease(this.ctx.db, deliveryId, lockedUntil.getTime());
  }

  recordDeliveryAttempt(deliveryId: string, outcome: AttemptOutcome) {
    return this.ctx.transaction((tx) => recordAttempt(tx, deliveryId, outcome));
  }

  listWebhookDeliveries(companyId: string, filter: DeliveryFilter = {}) {
    return listDeliveries(this.ctx.db, companyId, filter);
  }

  listWebhookAttempts(companyId: string, deliveryId: string) {
    return listAttempts(this.ctx.db, companyId, deliveryId);
  }

  async getWebhookDelivery(companyId: string, id: string) {
    const row = await this.ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async nextDeliveryDue() {
    const row = await this.ctx.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('due'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : new Date(Number(row.due));
  }

  async webhookBacklog() {
    const row = await this.ctx.db
      .selectFrom('webhook_deliveries')
      .select((eb) => [eb.fn.countAll<number | string>().as('pending'), eb.fn.min('created_at').as('oldest')])
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const oldest = row?.oldest;
    return {
      pending: Number(row?.pending ?? 0),
      oldestCreatedAt: oldest === null || oldest === undefined ? null : new Date(Number(oldest)),
    };
  }
}
