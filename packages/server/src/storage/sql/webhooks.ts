import type { Selectable } from 'kysely';
import { newId } from '../../util/random.ts';
import type { Database } from '../schema.ts';
import type {
  DeliveryStatus,
  DomainEventInput,
  Page,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from '../types.ts';
import type { AttemptOutcome, DeliveryFilter } from '../webhook-outbox.ts';
import { readPage } from './pagination.ts';
import type { Db } from './tx.ts';

const maybeDate = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));

export const toEndpoint = (r: Selectable<Database['webhook_endpoints']>): WebhookEndpoint => ({
  id: r.id,
  companyId: r.company_id,
  appId: r.app_id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  description: r.description,
  secretEncrypted: r.secret_encrypted,
  secretLast4: r.secret_last4,
  createdAt: new Date(Number(r.created_at)),
  disabledAt: maybeDate(r.disabled_at),
});

export const toDelivery = (r: Selectable<Database['webhook_deliveries']>): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  companyId: r.company_id,
  eventType: r.event_type,
  payload: r.payload,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: new Date(Number(r.next_attempt_at)),
  lastError: r.last_error,
  createdAt: new Date(Number(r.created_at)),
  deliveredAt: maybeDate(r.delivered_at),
});

const toAttempt = (r: Selectable<Database['webhook_attempts']>): WebhookAttempt => ({
  id: r.id,
  deliveryId: r.delivery_id,
  attemptedAt: new Date(Number(r.attempted_at)),
  statusCode: r.status_code === null ? null : Number(r.status_code),
  error: r.error,
  durationMs: Number(r.duration_ms),
});

/**
 * Fans events out to the endpoints that subscribe to them, as outbox rows in the caller's
 * transaction. The payload is fixed here, so every retry sends the same bytes.
 */
export async function enqueueEvents(
  db: Db,
  events: readonly DomainEventInput[] | undefined,
  now = Date.now(),
) {
  if (!events || events.length === 0) return 0;
  let count = 0;
  for (const event of events) {
    const companyIds = [...new Set(event.companyIds)];
    if (companyIds.length === 0) continue;
    const endpoints = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('company_id', 'in', companyIds)
      .where('disabled_at', 'is', null)
      .execute();
    const body = JSON.stringify({
      type: event.type,
      timestamp: new Date(now).toISOString(),
      data: event.data,
    });
    for (const ep of endpoints.map(toEndpoint)) {
      if (ep.appId !== null && ep.appId !== event.appId) continue;
      if (!ep.events.includes('*') && !ep.events.includes(event.type)) continue;
      await db
        .insertInto('webhook_deliveries')
        .values({
          id: newId('msg', 24),
          endpoint_id: ep.id,
          company_id: ep.companyId,
          event_type: event.type,
          payload: body,
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          locked_until: null,
          last_error: null,
          created_at: now,
          delivered_at: null,
        })
        .execute();
      count++;
    }
  }
  return count;
}

/**
 * Leases up to `limit` due deliveries to this node for `leaseMs`. The conditional update
 * means exactly one node wins each row, on SQLite and PostgreSQL alike; a node that dies
 * mid-delivery loses its lease and another picks the row up.
 */
export async function claimDueDeliveries(db: Db, now: number, limit: number, leaseMs: number) {
  const due = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  const claimed: WebhookDelivery[] = [];
  for (const { id } of due) {
    const res = await db
      .updateTable('webhook_deliveries')
      .set({ locked_until: now + leaseMs })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 1) {
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      claimed.push(toDelivery(row));
    }
  }
  return claimed;
}

/**
 * Gives back a lease without counting an attempt (a node shutting down mid-attempt): the
 * delivery is due again at once for any node. Only the lease this node took, known by its
 * `locked_until`, is cleared: one that expired and was taken by another node is left alone.
 */
export async function releaseLease(db: Db, deliveryId: string, lockedUntil: number) {
  const res = await db
    .updateTable('webhook_deliveries')
    .set({ locked_until: null })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .where('locked_until', '=', lockedUntil)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function recordAttempt(db: Db, deliveryId: string, o: AttemptOutcome) {
  await db
    .insertInto('webhook_attempts')
    .values({
      id: newId('att'),
      delivery_id: deliveryId,
      attempted_at: o.attemptedAt,
      status_code: o.statusCode,
      error: o.error,
      duration_ms: o.durationMs,
    })
    .execute();
  const status: DeliveryStatus = o.delivered ? 'delivered' : o.nextAttemptAt === null ? 'failed' : 'pending';
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      status,
      locked_until: null,
      last_error: o.delivered ? null : (o.error ?? `HTTP ${o.statusCode}`),
      next_attempt_at: o.nextAttemptAt ?? o.attemptedAt,
      delivered_at: o.delivered ? o.attemptedAt : null,
    }))
    .where('id', '=', deliveryId)
    .execute();
}

export function listDeliveries(db: Db, companyId: string, f: DeliveryFilter): Promise<Page<WebhookDelivery>> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('company_id', '=', companyId);
  if (f.endpointId !== undefined) q = q.where('endpoint_id', '=', f.endpointId);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  return readPage(q, f, toDelivery);
}

export async function listAttempts(db: Db, companyId: string, deliveryId: string) {
  const rows = await db
    .selectFrom('webhook_attempts')
    .innerJoin('webhook_deliveries', 'webhook_deliveries.id', 'webhook_attempts.delivery_id')
    .selectAll('webhook_attempts')
    .where('webhook_attempts.delivery_id', '=', deliveryId)
    .where('webhook_deliveries.company_id', '=', companyId)
    .orderBy('webhook_attempts.attempted_at')
    .execute();
  return rows.map(toAttempt);
}
