/**
 * Domain errors raised by services (not by the OAuth protocol core, which has its own in
 * oauth/errors.ts). The HTTP layer, the console and the CLI each render them their way.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Input that fails validation; `fields` maps a field name to what is wrong with it. */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super('validation_failed', message, 400);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message, 409);
  }
}
