import type { DpopKey } from './dpop.ts';
import { GatehouseClientError } from './errors.ts';
import type { HttpOptions } from './http.ts';
import { type HeldToken, type RenewalOptions, RenewingToken, tokenTiming } from './renewal.ts';
import {
  type DpopOption,
  type EndpointOptions,
  requestToken,
  resolveTokenEndpoint,
} from './token-endpoint.ts';

/**
 * Anything that hands out access tokens: {@link clientCredentials} and
 * {@link RefreshSession}. {@link authFetch} takes one.
 */
export interface TokenSource {
  /** A token that has not expired (never one past its expiry). */
  getToken(): Promise<string>;
  /**
   * Says an API rejected `token` (a 401): the source drops it if it still holds it, so
   * the next getToken() fetches a new one. Without an argument, drops whatever it holds.
   */
  invalidate(token?: string): void;
  /** The DPoP key its tokens are bound to; {@link authFetch} then sends them with proofs. */
  readonly dpop?: DpopKey | undefined;
}

export interface ClientCredentialsOptions extends EndpointOptions, HttpOptions, RenewalOptions, DpopOption {
  clientId: string;
  clientSecret: string;
  /** Space-separated string or list; omitted, Gatehouse grants every scope the app holds. */
  scope?: string | string[];
  /** `basic` (client_secret_basic, default) or `post` (client_secret_post). */
  auth?: 'basic' | 'post';
}

/** A client-credentials token source with its current token's details. */
export interface ClientCredentialsSource extends TokenSource {
  /** The token with its expiry and granted scope. */
  getTokenInfo(): Promise<HeldToken>;
}

/**
 * A token source for the client credentials grant. It caches the token, renews it ahead of
 * expiry (see {@link RenewalOptions}), sends one request however many callers wait, retries
 * 429 and 5xx with backoff honouring Retry-After, and never retries a 400 or 401 (wrong
 * credentials or scope fail fast, as {@link OAuthError}).
 *
 * @example
 * const tokens = clientCredentials({ issuer: 'https://auth.example.com', clientId, clientSecret });
 * const res = await fetch(url, { headers: { authorization: `Bearer ${await tokens.getToken()}` } });
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function clientCredentials(options: ClientCredentialsOptions): ClientCredentialsSource {
  if (!options.clientId || !options.clientSecret)
    throw new GatehouseClientError('clientCredentials needs clientId and clientSecret');
  if (options.auth !== undefined && options.auth !== 'basic' && options.auth !== 'post')
    throw new GatehouseClientError(`auth must be "basic" or "post", got "${String(options.auth)}"`);
  const scope = Array.isArray(options.scope) ? options.scope.join(' ') : options.scope;
  let endpoint: Promise<URL> | undefined;

  const obtain = async (): Promise<HeldToken> => {
    endpoint ??= resolveTokenEndpoint(options);
    endpoint.catch(() => {
      endpoint = undefined;
    });
    const params: Record<string, string> = { grant_type: 'client_credentials' };
    if (scope !== undefined && scope !== '') params.scope = scope;
    const { response, sentAt } = await requestToken(
      await endpoint,
      { clientId: options.clientId, clientSecret: options.clientSecret, auth: options.auth ?? 'basic' },
      params,
      'idempotent',
      options,
      options.dpop,
    );
    return {
      accessToken: response.access_token,
      scope: response.scope ?? scope,
      ...tokenTiming(sentAt, response.expires_in, options),
    };
  };

  const token = new RenewingToken(obtain, options.onRenewalError);
  return {
    getToken: async () => (await token.get()).accessToken,
    getTokenInfo: () => token.get(),
    invalidate: (t) => token.invalidate(t),
    dpop: options.dpop,
  };
}
