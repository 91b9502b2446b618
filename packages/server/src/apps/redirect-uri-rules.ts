/**
 * What may be registered as a redirect URI. Matching is by exact string (oauth/redirect-uri.ts),
 * so the rule is: the registered string must be its own WHATWG URL serialisation,
 * `new URL(uri).href === uri`, which is what a browser sends. A form the parser would rewrite
 * (uppercase scheme or host, a default port written out, dot segments, backslashes,
 * whitespace, `127.1`, an empty `@`) could never match what arrives, or, worse, hides a trick
 * that a lenient client library resolves differently from us. On top of that rule: no
 * fragment, no user information, https unless loopback, no dangerous scheme, ports 1 to
 * 65535, and no percent-encoded dot, slash, backslash or NUL in the path (servers that decode
 * before routing would see another path than the one registered).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 * @see https://url.spec.whatwg.org/#concept-url-serializer
 */

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

const BLOCKED_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'blob:', 'vbscript:', 'about:']);

/** The authority as written: after `scheme://`, before the path, query or fragment. */
const AUTHORITY = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/;

/** Why `uri` may not be registered as a redirect URI, or undefined when it may. */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > 2000) return 'is longer than 2000 characters';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) return 'must not contain whitespace or control characters';
  if (uri.includes('\\')) return 'must not contain a backslash';
  if (uri.includes('#')) return 'must not contain a fragment';
  const port = AUTHORITY.exec(uri)?.[1]?.match(/:(\d*)$/)?.[1];
  if (port !== undefined && port !== '' && (Number(port) < 1 || Number(port) > 65535))
    return 'has a port outside 1 to 65535';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (BLOCKED_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol} scheme`;
  if (url.username !== '' || url.password !== '' || AUTHORITY.exec(uri)?.[1]?.includes('@'))
    return 'must not contain user information';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname))
    return 'must use https (http only for loopback)';
  if (/%(2e|2f|5c|00)/i.test(url.pathname))
    return 'must not contain a percent-encoded dot, slash, backslash or NUL in its path';
  if (url.href !== uri) return notCanonical(uri, url);
  return undefined;
}

/** The most telling reason a URI differs from its serialisation, with the form to register. */
function notCanonical(uri: string, url: URL): string {
  const scheme = uri.slice(0, url.protocol.length);
  const authority = AUTHORITY.exec(uri)?.[1] ?? '';
  const path = uri
    .slice(scheme.length)
    .replace(/^\/\/[^/?#]*/, '')
    .replace(/[?#].*$/, '');
  let why = 'is not in canonical form';
  if (scheme !== url.protocol) why = 'must have a lowercase scheme';
  else if (authority !== '' && authority !== authority.toLowerCase() && authority.toLowerCase() === url.host)
    why = 'must have a lowercase host';
  else if (/:\d+$/.test(authority) && url.port === '') why = 'must not write out the default port';
  else if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path)) why = 'must not contain dot segments (/./ or /../)';
  return `${why}: register it exactly as "${url.href.slice(0, 200)}", the form a browser sends`;
}
