import { OAuthError } from '../oauth/errors.ts';

/**
 * The errors of the registration endpoint: RFC 7591 section 3.2.2's codes as JSON 400, and
 * RFC 6750's `invalid_token` (401, with `WWW-Authenticate`) for a missing, wrong, expired,
 * revoked or used-up initial access token or registration access token.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.2
 * @see https://www.rfc-editor.org/rfc/rfc7592#section-2
 */
export class InvalidClientMetadata extends OAuthError {
  constructor(description: string) {
    super('invalid_client_metadata', description, 400);
  }
}

export class InvalidRedirectUri extends OAuthError {
  constructor(description: string) {
    super('invalid_redirect_uri', description, 400);
  }
}

export class InvalidSoftwareStatement extends OAuthError {
  constructor(description: string) {
    super('invalid_software_statement', description, 400);
  }
}

export class UnapprovedSoftwareStatement extends OAuthError {
  constructor(description: string) {
    super('unapproved_software_statement', description, 400);
  }
}

/** RFC 6750 3.1: 401 with a Bearer challenge naming the error. */
export class RegistrationTokenInvalid extends OAuthError {
  constructor(description: string) {
    super('invalid_token', description, 401, {
      'WWW-Authenticate': `Bearer realm="gatehouse-registration", error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`,
    });
  }
}
