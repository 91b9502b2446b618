import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook-service.ts';

/**
 * A webhook endpoint as the management API and `gatehouse webhook ... --json` show it: the
 * signing secret only by its last four characters. The management API's response schema
 * leaves out `company_id` (there it is always the caller's own company).
 */
export const endpointJson = (e: WebhookEndpoint) => ({
  id: e.id,
  company_id: e.companyId,
  app_id: e.appId,
  url: e.url,
  events: e.events,
  description: e.description,
  secret_last4: e.secretLast4,
  created_at: e.createdAt.toISOString(),
  disabled_at: e.disabledAt?.toISOString() ?? null,
});

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

/** One attempt at a delivery, as both show it. */
export const attemptJson = (a: WebhookAttempt) => ({
  id: a.id,
  attempted_at: a.attemptedAt.toISOString(),
  status_code: a.statusCode,
  error: a.error,
  duration_ms: a.durationMs,
});
