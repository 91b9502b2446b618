import type { DeliveryStatus, Page, WebhookAttempt, WebhookDelivery } from './types.ts';

export interface DeliveryFilter {
  endpointId?: string;
  status?: DeliveryStatus;
  limit?: number;
  cursor?: string;
}

/** What one delivery attempt came to (epoch milliseconds). */
export interface AttemptOutcome {
  attemptedAt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  delivered: boolean;
  /** When to try again; null when there are no attempts left. */
  nextAttemptAt: number | null;
}

/**
 * The webhook outbox: deliveries the other slices enqueue in the transaction of the change
 * they report (`MutationOptions.events`), leased to one node at a time, and their attempts.
 */
export interface WebhookOutbox {
  /**
   * Atomic per row: each due delivery is leased to exactly one concurrent caller until
   * `now + leaseMs` (the `lockedUntil` to give to releaseDeliveryLease).
   */
  claimDueDeliveries(now: Date, limit: number, leaseMs: number): Promise<WebhookDelivery[]>;
  /**
   * Atomic: clears the lease taken until `lockedUntil`, counting no attempt, so the delivery
   * is due again at once. False when that lease is no longer held (it expired and another
   * node took the delivery, or an attempt was recorded).
   */
  releaseDeliveryLease(deliveryId: string, lockedUntil: Date): Promise<boolean>;
  /** Atomic: records the attempt and moves the delivery to delivered, failed or its next try. */
  recordDeliveryAttempt(deliveryId: string, outcome: AttemptOutcome): Promise<void>;
  /** Newest first, cursor-paged. Throws InvalidCursor on a cursor this storage did not make. */
  listWebhookDeliveries(companyId: string, filter?: DeliveryFilter): Promise<Page<WebhookDelivery>>;
  /** One delivery of this company's endpoints; undefined for another company's. */
  getWebhookDelivery(companyId: string, id: string): Promise<WebhookDelivery | undefined>;
  /** Oldest first; empty for another company's delivery. */
  listWebhookAttempts(companyId: string, deliveryId: string): Promise<WebhookAttempt[]>;
  /** The earliest time a pending delivery is due, or null when none is pending. */
  nextDeliveryDue(): Promise<Date | null>;
  /** How many deliveries are pending, and when the oldest of them was enqueued (null: none). */
  webhookBacklog(): Promise<{ pending: number; oldestCreatedAt: Date | null }>;
}
