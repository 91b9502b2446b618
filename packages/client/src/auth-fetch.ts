import { asksForNonce, type DpopKey } from './dpop.ts';
import type { TokenSource } from './token-source.ts';

export interface AuthFetchOptions {
  /**
   * The company a partner app acts for: sent as `x-company-guid` on every request (a
   * partner's client-credentials token names no company; the API picks it per call).
   */
  companyGuid?: string;
  /** The fetch to wrap; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** The DPoP key of the tokens; default the source's own (`tokens.dpop`). */
  dpop?: DpopKey;
}

/**
 * Wraps fetch so that every request carries `Authorization: Bearer <token>` from
 * `tokens` (and `x-company-guid` when given), or, when the tokens are DPoP-bound,
 * `Authorization: DPoP <token>` with a fresh proof for the request (`ath` included). On a
 * 401 the token is reported to the source as rejected and the request is sent once more
 * with a fresh one; a second 401 is returned as is. A 401 that asks for a DPoP nonce is
 * resent with it first, keeping the token. A 403 (insufficient_scope) is never retried: a
 * new token would not hold more scope.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
 */
export function authFetch(
  tokens: TokenSource,
  options: AuthFetchOptions = {},
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const doFetch = options.fetch ?? fetch;
  const dpop = options.dpop ?? tokens.dpop;
  return async (input, init) => {
    // Built once so the body can be replayed by the retry (a stream is teed, not consumed).
    const original = new Request(input, init);
    const send = async (request: Request, token: string) => {
      const headers = new Headers(request.headers);
      if (dpop) {
        headers.set('authorization', `DPoP ${token}`);
        headers.set('dpop', await dpop.proof(request.method, request.url, token));
      } else headers.set('authorization', `Bearer ${token}`);
      if (options.companyGuid !== undefined) headers.set('x-company-guid', options.companyGuid);
      const res = await doFetch(new Request(request, { headers }));
      dpop?.learnNonce(request.url, res);
      return res;
    };
    const first = await tokens.getToken();
    let res = await send(original.clone(), first);
    if (dpop && (await asksForNonce(res))) {
      await res.body?.cancel();
      res = await send(original.clone(), first);
    }
    if (res.status !== 401) return res;
    await res.body?.cancel();
    tokens.invalidate(first);
    const second = await tokens.getToken();
    return send(original, second);
  };
}
