import { discover } from './discovery.ts';
import { CallbackError, GatehouseClientError, OAuthError, TokenResponseError } from './errors.ts';
import { type HttpOptions, secureUrl } from './http.ts';
import { codeChallengeS256, generateCodeVerifier, randomToken } from './pkce.ts';
import {
  type ClientAuthOptions,
  type DpopOption,
  type EndpointOptions,
  requestToken,
  resolveTokenEndpoint,
  type TokenResponse,
} from './token-endpoint.ts';

export interface AuthorizationUrlOptions extends HttpOptions {
  /** The issuer; its metadata names the authorization endpoint. */
  issuer?: string;
  /** The authorization endpoint, when not discovered from `issuer`. */
  authorizationEndpoint?: string;
  clientId: string;
  /** Registered exactly as sent: Gatehouse compares redirect URIs character for character. */
  redirectUri: string;
  scope?: string | string[];
  /** Extra parameters such as `prompt` or `login_hint`. */
  params?: Record<string, string>;
}

/** What to keep (server session, or sessionStorage in a browser) until the callback. */
export interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * Builds the authorization request: a fresh random `state` (CSRF), `nonce` (binds an ID
 * token to this request) and PKCE S256 challenge. Keep the returned values for
 * {@link validateCallback} and {@link exchangeCode}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export async function buildAuthorizationUrl(options: AuthorizationUrlOptions): Promise<AuthorizationRequest> {
  let endpoint = options.authorizationEndpoint;
  if (endpoint === undefined) {
    if (options.issuer === undefined)
      throw new GatehouseClientError('give either issuer or authorizationEndpoint');
    const metadata = await discover(options.issuer, options);
    if (metadata.authorization_endpoint === undefined)
      throw new GatehouseClientError(`${options.issuer} publishes no authorization_endpoint`);
    const methods = metadata.code_challenge_methods_supported;
    if (methods !== undefined && !methods.includes('S256'))
      throw new GatehouseClientError(`${options.issuer} does not support PKCE S256`);
    endpoint = metadata.authorization_endpoint;
  }
  const url = secureUrl(endpoint, 'authorization endpoint', options.allowInsecureHttp);
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = generateCodeVerifier();
  const scope = Array.isArray(options.scope) ? options.scope.join(' ') : options.scope;
  for (const [k, v] of Object.entries(options.params ?? {})) url.searchParams.set(k, v);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  if (scope !== undefined && scope !== '') url.searchParams.set('scope', scope);
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge', await codeChallengeS256(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { url, state, nonce, codeVerifier };
}

export interface CallbackExpectations {
  /** The `state` from {@link buildAuthorizationUrl}. */
  state: string;
  /** The issuer the request went to; the response's `iss` must equal it. */
  issuer: string;
  /** Default true: Gatehouse always sends `iss`, so its absence means another server answered. */
  requireIss?: boolean;
}

/**
 * Checks the authorization response on the redirect URI: `iss` (RFC 9207 mix-up defence),
 * then `state`, then an error the server sent (thrown as {@link OAuthError}, e.g.
 * `access_denied` when the user pressed Deny), and returns the code.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export function validateCallback(callback: string | URL | URLSearchParams, expected: CallbackExpectations) {
  const params = callback instanceof URLSearchParams ? callback : new URL(callback).searchParams;
  const iss = params.get('iss');
  if (iss === null && (expected.requireIss ?? true))
    throw new CallbackError('issuer_missing', 'the authorization response has no iss');
  if (iss !== null && iss !== expected.issuer)
    throw new CallbackError(
      'issuer_mismatch',
      `the authorization response comes from ${iss}, not ${expected.issuer}`,
    );
  if (params.get('state') !== expected.state)
    throw new CallbackError('state_mismatch', 'the authorization response state does not match this request');
  const error = params.get('error');
  if (error !== null)
    throw new OAuthError(
      error,
      params.get('error_description') ?? undefined,
      undefined,
      params.get('error_uri') ?? undefined,
    );
  const code = params.get('code');
  if (code === null || code === '')
    throw new CallbackError('code_missing', 'the authorization response has no code');
  return { code };
}

/** Tokens from a code exchange or a refresh, with when they were requested. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | undefined;
  idToken: string | undefined;
  scope: string | undefined;
  /** Seconds, as the server said. */
  expiresIn: number | undefined;
  /** Epoch ms the request was sent: the base of the expiry. */
  sentAt: number;
  /** The whole token response. */
  response: TokenResponse;
}

export function toTokenSet(response: TokenResponse, sentAt: number): TokenSet {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    idToken: response.id_token,
    scope: response.scope,
    expiresIn: response.expires_in,
    sentAt,
    response,
  };
}

export interface ExchangeCodeOptions extends EndpointOptions, HttpOptions, ClientAuthOptions, DpopOption {
  code: string;
  redirectUri: string;
  codeVerifier: string;
  /** The nonce of the request; checked against the ID token when one is returned. */
  nonce?: string;
}

function idTokenClaims(idToken: string): Record<string, unknown> {
  const part = idToken.split('.')[1];
  try {
    const json = atob((part ?? '').replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    throw new TokenResponseError('the id_token is not a JWT');
  }
}

/**
 * Exchanges the code (with the PKCE verifier) for tokens. Never retried on a 5xx: the
 * server may have consumed the code, and a replay revokes what it issued. When an ID token
 * comes back, its `iss`, `aud` and `nonce` are checked; received straight from the token
 * endpoint over TLS, it needs no signature check for that (OpenID Connect Core §3.1.3.7).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<TokenSet> {
  const endpoint = await resolveTokenEndpoint(options);
  const { response, sentAt } = await requestToken(
    endpoint,
    options,
    {
      grant_type: 'authorization_code',
      code: options.code,
      redirect_uri: options.redirectUri,
      code_verifier: options.codeVerifier,
    },
    'once-only',
    options,
    options.dpop,
  );
  if (response.id_token !== undefined) {
    const claims = idTokenClaims(response.id_token);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (options.issuer !== undefined && claims.iss !== options.issuer)
      throw new TokenResponseError('the id_token names another issuer');
    if (!aud.includes(options.clientId)) throw new TokenResponseError('the id_token is for another client');
    if (options.nonce !== undefined && claims.nonce !== options.nonce)
      throw new TokenResponseError('the id_token nonce does not match this request');
  }
  return toTokenSet(response, sentAt);
}
