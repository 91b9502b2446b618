import type { AuditEventInput, DomainEventInput } from './types.ts';

/**
 * Options every mutating method accepts, so that the change, its audit record and the
 * webhook events it causes commit (or roll back) together.
 */
export interface MutationOptions {
  audit?: AuditEventInput;
  /** Webhook events, enqueued to the outbox in the same transaction as the change. */
  events?: DomainEventInput[];
}

/** Thrown by every cursor-paged list for a cursor this storage did not make. */
export class InvalidCursor extends Error {
  constructor() {
    super('the cursor is not one this server issued');
    this.name = 'InvalidCursor';
  }
}
