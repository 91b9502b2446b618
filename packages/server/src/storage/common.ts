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

/**
 * Thrown by a write that would give a second row a value that must be unique: a user's
 * e-mail address (case-insensitive), a company's or user's external id. `field` names it.
 */
export class DuplicateKey extends Error {
  constructor(readonly field: 'email' | 'external_id') {
    super(`another row already has this ${field}`);
    this.name = 'DuplicateKey';
  }
}
