/**
 * Builds the URL the browser is sent back to: parameters in the query (code flow) or in the
 * fragment (implicit, company grant), always with `iss` so the client can tell which server
 * answered (mix-up defence). The registered URI is kept byte for byte.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export function authorizationResponseUrl(
  redirectUri: string,
  mode: 'query' | 'fragment',
  params: Record<string, string | null | undefined>,
): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) out.set(k, v);
  if (mode === 'fragment') return `${redirectUri}#${out.toString()}`;
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${out.toString()}`;
}
