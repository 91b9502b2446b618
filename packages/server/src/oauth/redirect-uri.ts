/**
 * Redirect-URI matching: exact string comparison against a registered URI, with the one
 * exception RFC 8252 makes for loopback http URIs, whose port may vary. No normalisation
 * of any kind (case, dots, encoding, trailing slashes): what was registered is what counts.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::([1-9]\d{0,4}))?([/?][^#]*)?$/;

/**
 * The host and the rest of a loopback http URI, or undefined. The port is the one part that
 * may differ from the registered URI, so it must be a port a browser could be sent to: 1 to
 * 65535, written without leading zeros (the URL parser would rewrite `:0080`, and port 0
 * means "any port" to the operating system, never one a client listens on).
 */
function loopbackParts(uri: string): { host: string; rest: string } | undefined {
  const m = LOOPBACK.exec(uri);
  if (!m) return undefined;
  if (m[2] !== undefined && Number(m[2]) > 65535) return undefined;
  return { host: m[1] as string, rest: m[3] ?? '' };
}

export function redirectUriMatches(registered: string, given: string): boolean {
  if (registered === given) return true;
  const r = loopbackParts(registered);
  const g = loopbackParts(given);
  return r !== undefined && g !== undefined && r.host === g.host && r.rest === g.rest;
}

export type RedirectResolution =
  | { ok: true; uri: string | null; given: boolean }
  | { ok: false; problem: string };

/**
 * Picks the redirect URI for a request: the given one if it matches a registered one; when
 * omitted, the only registered one (or none at all, for apps that show the result on a page).
 */
export function resolveRedirectUri(
  registered: readonly string[],
  given: string | undefined,
  opts: { allowNone: boolean },
): RedirectResolution {
  if (given !== undefined) {
    return registered.some((r) => redirectUriMatches(r, given))
      ? { ok: true, uri: given, given: true }
      : { ok: false, problem: 'the redirect_uri does not match any redirect URI registered for this app' };
  }
  if (registered.length === 1) return { ok: true, uri: registered[0] as string, given: false };
  if (registered.length === 0 && opts.allowNone) return { ok: true, uri: null, given: false };
  return {
    ok: false,
    problem:
      registered.length === 0
        ? 'this app has no redirect URI registered'
        : 'redirect_uri is required: this app has several redirect URIs registered',
  };
}
