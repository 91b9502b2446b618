/** Base class of every error this package throws. */
export class GatehouseClientError extends Error {
  override name = 'GatehouseClientError';
}

/**
 * An OAuth error response: from the token endpoint (JSON body, RFC 6749 §5.2) or from the
 * authorization endpoint (redirect parameters, RFC 6749 §4.1.2.1). `status` is the HTTP
 * status for token-endpoint errors, undefined for redirects.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class OAuthError extends GatehouseClientError {
  override name = 'OAuthError';
  constructor(
    /** The RFC error code, e.g. `invalid_client`, `invalid_grant`, `access_denied`. */
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly status: number | undefined,
    readonly errorUri?: string,
  ) {
    super(errorDescription ? `${error}: ${errorDescription}` : error);
  }
}

/**
 * An HTTP answer that is not a usable OAuth response: a 5xx or 429 still failing after the
 * retries, or a body that is not the JSON the RFC prescribes. `retryAfterMs` carries the
 * server's Retry-After when it sent one.
 */
export class ResponseError extends GatehouseClientError {
  override name = 'ResponseError';
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * An authorization response that must not be trusted: wrong `state` (CSRF or a mixed-up
 * tab), wrong `iss` (mix-up attack), or no `code`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 */
export class CallbackError extends GatehouseClientError {
  override name = 'CallbackError';
  constructor(
    readonly code: 'state_mismatch' | 'issuer_mismatch' | 'issuer_missing' | 'code_missing',
    message: string,
  ) {
    super(message);
  }
}

/** Authorization server metadata that could not be fetched or does not describe the issuer. */
export class DiscoveryError extends GatehouseClientError {
  override name = 'DiscoveryError';
}

/** A token response that breaks RFC 6749 §5.1 (no access_token, not Bearer, ...). */
export class TokenResponseError extends GatehouseClientError {
  override name = 'TokenResponseError';
}
