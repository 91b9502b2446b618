import type { Text } from './i18n/translator.ts';

/**
 * Domain errors raised by services (not by the OAuth protocol core, which has its own in
 * oauth/errors.ts). The HTTP layer, the console and the CLI each render them their way.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Response headers the status requires (`Allow`, `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * Input that fails validation; `fields` maps a field name to what is wrong with it, in English
 * (JSON bodies and the CLI), and `texts`, when the service gives them, to the same as catalog
 * texts, for a page to say in its reader's language (`invalidInput` makes both).
 */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
    readonly texts: Readonly<Record<string, Text>> = {},
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

/** RFC 9110 15.5.6: the path exists, the method does not; `Allow` lists those that do. */
export class MethodNotAllowedError extends DomainError {
  constructor(method: string, path: string, allow: readonly string[]) {
    super('method_not_allowed', `${method} is not allowed on ${path} (allowed: ${allow.join(', ')})`, 405, {
      Allow: allow.join(', '),
    });
  }
}

/** RFC 9110 15.5.7: the client accepts no type this JSON route produces. */
export class NotAcceptableError extends DomainError {
  constructor() {
    super(
      'not_acceptable',
      'this resource is only available as application/json; send Accept: application/json (or */*)',
      406,
    );
  }
}

/** RFC 9110 15.5.11: the resource was here and has been removed for good. */
export class GoneError extends DomainError {
  constructor(message: string) {
    super('gone', message, 410);
  }
}

/** RFC 6585 4: the client is over its rate; `Retry-After` says when it may try again. */
export class TooManyRequestsError extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super('too_many_requests', message, 429, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/**
 * Raised beneath the services and passed through them: a list cursor this server did not
 * issue (400 invalid_cursor), and the test for a database that cannot answer right now (503
 * with Retry-After). Re-exported here so that the layers that render errors (http/, console/,
 * cli/) need not import storage.
 */
export { InvalidCursor } from './storage/storage.ts';
export { isDatabaseUnavailable } from './storage/unavailable.ts';
