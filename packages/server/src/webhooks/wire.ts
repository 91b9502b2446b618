import type { WebhookDelivery } from '../storage/types.ts';

/** A delivery as the management API and `gatehouse webhook deliveries --json` show it. */
export const deliveryJson = (d: WebhookDelivery) => ({
  id: d.id,
  endpoint_id: d.endpointId,
  event_type: d.eventType,
  status: d.status,
  attempt_count: d.attempts,
  next_attempt_at: d.nextAttemptAt.toISOString(),
  last_error: d.lastError,
  created_at: d.createdAt.toISOString(),
  delivered_at: d.deliveredAt?.toISOString() ?? null,
});
