import { discover } from './discovery.ts';
import { asksForNonce, type DpopKey } from './dpop.ts';
import { GatehouseClientError, OAuthError, ResponseError, TokenResponseError } from './errors.ts';
import { formEncode, type HttpOptions, jsonObject, secureUrl } from './http.ts';
import { parseRetryAfter, type RetryPolicy, sendWithRetry } from './retry.ts';

/**
 * Where the token endpoint is: given directly, or discovered from the issuer's metadata.
 */
export interface EndpointOptions {
  /** The issuer (e.g. `https://auth.example.com`); its RFC 8414 metadata names the endpoints. */
  issuer?: string;
  /** The token endpoint, when not discovered from `issuer`. */
  tokenEndpoint?: string;
}

/**
 * How the client authenticates at the token endpoint: `basic` (client_secret_basic, the
 * default for confidential clients), `post` (client_secret_post) or `none` (a public
 * client sending only client_id).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export interface ClientAuthOptions {
  clientId: string;
  clientSecret?: string;
  auth?: 'basic' | 'post' | 'none';
}

/**
 * A successful token response.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
  [field: string]: unknown;
}

/** Binding the tokens to a DPoP key (RFC 9449): proofs at the token endpoint, `DPoP` tokens back. */
export interface DpopOption {
  /** The key the tokens are bound to (see {@link dpopKey}); without it, bearer tokens. */
  dpop?: DpopKey;
}

/** A token response and when its request was sent (the base of every expiry computed). */
export interface TimedTokenResponse {
  response: TokenResponse;
  sentAt: number;
}

/** The token endpoint URL: explicit, or from the issuer's metadata. */
export async function resolveTokenEndpoint(options: EndpointOptions & HttpOptions): Promise<URL> {
  if (options.tokenEndpoint !== undefined)
    return secureUrl(options.tokenEndpoint, 'tokenEndpoint', options.allowInsecureHttp);
  if (options.issuer === undefined) throw new GatehouseClientError('give either issuer or tokenEndpoint');
  const metadata = await discover(options.issuer, options);
  return secureUrl(metadata.token_endpoint, 'token_endpoint', options.allowInsecureHttp);
}

function authenticate(client: ClientAuthOptions, body: URLSearchParams, headers: Record<string, string>) {
  const method = client.auth ?? (client.clientSecret === undefined ? 'none' : 'basic');
  if (method !== 'none' && client.clientSecret === undefined)
    throw new GatehouseClientError(`client authentication "${method}" needs a clientSecret`);
  if (method === 'basic') {
    // RFC 6749 §2.3.1: each part form-encoded before the Basic encoding.
    const pair = `${formEncode(client.clientId)}:${formEncode(client.clientSecret as string)}`;
    headers.authorization = `Basic ${btoa(pair)}`;
  } else {
    body.set('client_id', client.clientId);
    if (method === 'post') body.set('client_secret', client.clientSecret as string);
  }
}

function validated(body: Record<string, unknown>, dpop: boolean): TokenResponse {
  if (typeof body.access_token !== 'string' || body.access_token === '')
    throw new TokenResponseError('the token response has no access_token');
  const expected = dpop ? 'dpop' : 'bearer';
  // A bearer token where a bound one was asked for would be sent with the wrong scheme (RFC 9449 5).
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== expected)
    throw new TokenResponseError(
      `unexpected token_type ${String(body.token_type)} (expected ${dpop ? 'DPoP' : 'Bearer'})`,
    );
  if (
    body.expires_in !== undefined &&
    (typeof body.expires_in !== 'number' || !Number.isFinite(body.expires_in) || body.expires_in <= 0)
  )
    throw new TokenResponseError('expires_in must be a positive number of seconds');
  for (const field of ['refresh_token', 'scope', 'id_token'])
    if (body[field] !== undefined && typeof body[field] !== 'string')
      throw new TokenResponseError(`${field} must be a string`);
  return body as TokenResponse;
}

/**
 * POSTs a grant to the token endpoint with client authentication and the retry policy
 * the grant allows; returns the validated response or throws OAuthError (the server's
 * error JSON), ResponseError (anything else) or TokenResponseError. With a DPoP key every
 * attempt carries a fresh proof; a `use_dpop_nonce` answer is retried once with the nonce it
 * gives (safe even for a code exchange: the proof is checked before the code is touched).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export async function requestToken(
  endpoint: URL,
  client: ClientAuthOptions,
  params: Record<string, string>,
  policy: RetryPolicy,
  http: HttpOptions = {},
  dpop?: DpopKey,
): Promise<TimedTokenResponse> {
  const doFetch = http.fetch ?? fetch;
  let sentAt = Date.now();
  const send = () =>
    sendWithRetry(
      async (signal) => {
        const body = new URLSearchParams(params);
        const headers: Record<string, string> = {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        };
        authenticate(client, body, headers);
        if (dpop) headers.dpop = await dpop.proof('POST', endpoint);
        sentAt = Date.now();
        const res = await doFetch(endpoint, { method: 'POST', headers, body, signal });
        dpop?.learnNonce(endpoint, res);
        return res;
      },
      policy,
      http.retry,
    );
  let res = await send();
  if (dpop && (await asksForNonce(res))) {
    await res.body?.cancel();
    res = await send();
  }
  const json = await jsonObject(res);
  if (res.status === 200 && json) return { response: validated(json, dpop !== undefined), sentAt };
  if (json && typeof json.error === 'string')
    throw new OAuthError(
      json.error,
      typeof json.error_description === 'string' ? json.error_description : undefined,
      res.status,
      typeof json.error_uri === 'string' ? json.error_uri : undefined,
    );
  throw new ResponseError(
    `the token endpoint answered ${res.status}${res.status === 200 ? ' without a JSON object' : ''}`,
    res.status,
    parseRetryAfter(res.headers.get('retry-after')),
  );
}
