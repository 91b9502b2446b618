export type ResponseMode = 'query' | 'fragment';

/**
 * Where a response, error or success, goes for a `response_type` as the client sent it: in the
 * fragment as soon as it asks for a token or an ID token (`token`, `id_token`, `token id_token`,
 * `code id_token`...), in the query otherwise. An implicit client reads only its fragment, so an
 * error in the query would never reach it; it would also land in the client's server logs and
 * the Referer of whatever that page loads.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.2.2.1
 * @see https://openid.net/specs/oauth-v2-multiple-response-types-1_0.html#ResponseModes
 */
export function responseModeFor(responseType: string | null | undefined): ResponseMode {
  const values = (responseType ?? '').split(' ');
  return values.includes('token') || values.includes('id_token') ? 'fragment' : 'query';
}

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
  mode: ResponseMode,
  params: Record<string, string | null | undefined>,
): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) out.set(k, v);
  if (mode === 'fragment') return `${redirectUri}#${out.toString()}`;
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${out.toString()}`;
}
