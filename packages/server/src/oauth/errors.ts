/**
 * Typed OAuth errors. Protocol code throws one of these; a single writer in http/ turns
 * it into the RFC 6749 section 5.2 JSON shape (or a redirect, for the authorization endpoint).
 * Anything that is not an OAuthError becomes `server_error` and is logged, never leaked.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1
 */
export class OAuthError extends Error {
  /** HTTP status for a direct (non-redirect) response. */
  readonly status: number;
  /** Extra response headers, e.g. `WWW-Authenticate` for `invalid_client`. */
  readonly headers: Record<string, string>;

  constructor(
    readonly error: string,
    readonly description: string,
    status = 400,
    headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
    this.status = status;
    this.headers = headers;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string) {
    super('invalid_request', description, 400);
  }
}

/** RFC 6749 5.2: 401, with `WWW-Authenticate` naming the scheme the client tried. */
export class InvalidClient extends OAuthError {
  constructor(description: string, opts: { basicAttempted?: boolean } = {}) {
    super(
      'invalid_client',
      description,
      401,
      opts.basicAttempted ? { 'WWW-Authenticate': 'Basic realm="gatehouse", charset="UTF-8"' } : {},
    );
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super('invalid_grant', description, 400);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string) {
    super('unauthorized_client', description, 400);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super('unsupported_grant_type', description, 400);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', description, 400);
  }
}

export class AccessDenied extends OAuthError {
  constructor(description: string) {
    super('access_denied', description, 403);
  }
}

export class UnsupportedResponseType extends OAuthError {
  constructor(description: string) {
    super('unsupported_response_type', description, 400);
  }
}

/** RFC 7009 2.2.1. */
export class UnsupportedTokenType extends OAuthError {
  constructor(description: string) {
    super('unsupported_token_type', description, 400);
  }
}

export class ServerError extends OAuthError {
  constructor(description = 'The server could not complete the request.') {
    super('server_error', description, 500);
  }
}

export class TemporarilyUnavailable extends OAuthError {
  constructor(description: string, retryAfterSeconds = 5) {
    super('temporarily_unavailable', description, 503, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** RFC 6750 3.1: the token is missing, expired, revoked, malformed or from another issuer. */
export class InvalidToken extends OAuthError {
  constructor(description: string) {
    super('invalid_token', description, 401);
  }
}

/** RFC 6750 3.1: the token lacks a scope the resource needs. */
export class InsufficientScope extends OAuthError {
  constructor(
    description: string,
    readonly scope: string,
  ) {
    super('insufficient_scope', description, 403);
  }
}

/** RFC 8707 2: the resource is unknown, malformed, or not one this client may ask for. */
export class InvalidTarget extends OAuthError {
  constructor(description: string) {
    super('invalid_target', description, 400);
  }
}

/** RFC 9449 5, 7.1: the DPoP proof is missing, malformed, or does not match the request. */
export class InvalidDpopProof extends OAuthError {
  constructor(description: string) {
    super('invalid_dpop_proof', description, 400);
  }
}

/** RFC 9449 8: the proof must carry the server nonce sent in the `DPoP-Nonce` header. */
export class UseDpopNonce extends OAuthError {
  constructor(description: string, nonce: string) {
    super('use_dpop_nonce', description, 400, { 'DPoP-Nonce': nonce });
  }
}

/** OpenID Connect Core 3.1.2.6: prompt=none, but the user must sign in. */
export class LoginRequired extends OAuthError {
  constructor(description: string) {
    super('login_required', description, 400);
  }
}

/** OpenID Connect Core 3.1.2.6: prompt=none, but the user must consent. */
export class ConsentRequired extends OAuthError {
  constructor(description: string) {
    super('consent_required', description, 400);
  }
}

/** RFC 8628 3.5: the person has not approved or denied yet; poll again after the interval. */
export class AuthorizationPending extends OAuthError {
  constructor(description: string) {
    super('authorization_pending', description, 400);
  }
}

/** RFC 8628 3.5: polled sooner than the interval allows; the interval grew by 5 seconds. */
export class SlowDown extends OAuthError {
  constructor(description: string) {
    super('slow_down', description, 400);
  }
}

/** RFC 8628 3.5: the device code has expired; the device must start again. */
export class ExpiredToken extends OAuthError {
  constructor(description: string) {
    super('expired_token', description, 400);
  }
}

/** OpenID Connect Core 3.1.2.6: prompt=none, but the user must choose an account (a company). */
export class AccountSelectionRequired extends OAuthError {
  constructor(description: string) {
    super('account_selection_required', description, 400);
  }
}

/** OpenID Connect Core 3.1.2.6: prompt=none, but a page must be shown for the request to go on. */
export class InteractionRequired extends OAuthError {
  constructor(description: string) {
    super('interaction_required', description, 400);
  }
}

/** OpenID Connect Core 3.1.2.6: the request carried a request object (`request`), which is not supported. */
export class RequestNotSupported extends OAuthError {
  constructor(description: string) {
    super('request_not_supported', description, 400);
  }
}
