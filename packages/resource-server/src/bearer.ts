import { ResourceServerError } from './errors.ts';

// RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

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
  if (Array.isArray(header)) {
    if (header.length > 1)
      throw new ResourceServerError('request_invalid', 'the Authorization header is repeated');
    return extractBearerToken(header[0]);
  }
  const value = typeof header === 'string' ? header.trim() : '';
  if (value === '')
    throw new ResourceServerError('token_missing', 'no bearer token in the Authorization header');
  const scheme = value.split(' ', 1)[0] ?? '';
  if (scheme.toLowerCase() !== 'bearer')
    throw new ResourceServerError('token_missing', 'the Authorization header does not use the Bearer scheme');
  const match = BEARER.exec(value);
  if (!match?.[1])
    throw new ResourceServerError(
      'token_malformed',
      'the Authorization header must be "Bearer <token>" with one token',
    );
  return match[1];
}
