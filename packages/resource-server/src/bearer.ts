import { ResourceServerError } from './errors.ts';

// RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The access token of an Authorization header and the scheme it came with. */
export interface PresentedToken {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

/**
 * The access token from an Authorization header value with its scheme: `Bearer` (RFC 6750)
 * or `DPoP` (RFC 9449 7.1), case-insensitive, exactly one token after it. Only the header is
 * read: tokens in the query string or a form body never are.
 *
 * @throws ResourceServerError as {@link extractBearerToken} does.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function extractAccessToken(header: string | readonly string[] | undefined | null): PresentedToken {
  if (Array.isArray(header)) {
    if (header.length > 1)
      throw new ResourceServerError('request_invalid', 'the Authorization header is repeated');
    return extractAccessToken(header[0]);
  }
  const value = typeof header === 'string' ? header.trim() : '';
  if (value === '')
    throw new ResourceServerError('token_missing', 'no access token in the Authorization header');
  const scheme = (value.split(' ', 1)[0] ?? '').toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'dpop')
    throw new ResourceServerError(
      'token_missing',
      'the Authorization header uses neither the Bearer nor the DPoP scheme',
    );
  const match = CREDENTIALS.exec(value);
  if (!match?.[2]) {
    const error = new ResourceServerError(
      'token_malformed',
      `the Authorization header must be "${scheme === 'dpop' ? 'DPoP' : 'Bearer'} <token>" with one token`,
    );
    if (scheme === 'dpop') error.scheme = 'DPoP';
    throw error;
  }
  return { scheme: scheme === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] };
}

/**
 * The bearer token from an Authorization header value, and only from there: tokens in
 * the query string or a form body are never read (they end up in logs and referrers).
 * The scheme is case-insensitive; exactly one token must follow it.
 *
 * @param header The raw header value as Node gives it (a string, an array when repeated, or undefined).
 * @throws ResourceServerError `token_missing` when there is no Bearer credential,
 *   `token_malformed` when the value after `Bearer` is not one token, `request_invalid`
 *   when the header is repeated.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function extractBearerToken(header: string | readonly string[] | undefined | null): string {
  const presented = extractAccessToken(header);
  if (presented.scheme !== 'Bearer')
    throw new ResourceServerError('token_missing', 'the Authorization header does not use the Bearer scheme');
  return presented.token;
}
