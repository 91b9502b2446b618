import { type TokenSet, toTokenSet } from './authorization-code.ts';
import type { DpopKey } from './dpop.ts';
import { GatehouseClientError, OAuthError } from './errors.ts';
import type { HttpOptions } from './http.ts';
import { type HeldToken, type RenewalOptions, RenewingToken, tokenTiming } from './renewal.ts';
import {
  type ClientAuthOptions,
  type DpopOption,
  type EndpointOptions,
  requestToken,
  resolveTokenEndpoint,
} from './token-endpoint.ts';
import type { TokenSource } from './token-source.ts';

export interface RefreshSessionOptions
  extends EndpointOptions,
    HttpOptions,
    RenewalOptions,
    ClientAuthOptions,
    DpopOption {
  /** Tokens from {@link exchangeCode}, or at least a stored `refreshToken`. */
  tokens?: TokenSet;
  refreshToken?: string;
  /** Narrows the scope of refreshed access tokens (never widens: RFC 6749 §6). */
  scope?: string;
  /**
   * Called with every rotated token set before its access token is handed out. Store
   * `refreshToken` here: the previous one is spent, and presenting it again makes
   * Gatehouse revoke the whole grant (reuse detection).
   */
  onRotate?: (tokens: TokenSet) => void | Promise<void>;
}

/**
 * A user's (or company's) delegated tokens with refresh-token rotation handled safely.
 * All renewals in this process go through one request at a time: concurrent callers of
 * getToken() or refresh() share a rotation instead of each spending the refresh token,
 * which would look like theft to the server and revoke the family. Across processes,
 * give each refresh token one owner (see the README).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export class RefreshSession implements TokenSource {
  private currentRefreshToken: string;
  private readonly token: RenewingToken;
  private ended: OAuthError | undefined;
  private latest: TokenSet | undefined;
  private endpoint: Promise<URL> | undefined;
  /** The DPoP key the tokens (and, for a public client, the refresh token) are bound to. */
  readonly dpop: DpopKey | undefined;

  constructor(private readonly options: RefreshSessionOptions) {
    const refreshToken = options.tokens?.refreshToken ?? options.refreshToken;
    if (!refreshToken) throw new GatehouseClientError('a RefreshSession needs a refresh token');
    this.currentRefreshToken = refreshToken;
    this.dpop = options.dpop;
    this.latest = options.tokens;
    this.token = new RenewingToken(
      () => this.rotate(),
      options.onRenewalError,
      options.tokens && this.held(options.tokens),
    );
  }

  /** The refresh token to store now (it changes with every rotation). */
  get refreshToken(): string {
    return this.currentRefreshToken;
  }

  /** The last token set received, if any. */
  get tokens(): TokenSet | undefined {
    return this.latest;
  }

  async getToken(): Promise<string> {
    if (this.ended) throw this.ended;
    return (await this.token.get()).accessToken;
  }

  invalidate(token?: string): void {
    this.token.invalidate(token);
  }

  /** Rotates now, or joins the rotation under way; resolves to the new token set. */
  async refresh(): Promise<TokenSet> {
    if (this.ended) throw this.ended;
    await this.token.renew();
    return this.latest as TokenSet;
  }

  private held(tokens: TokenSet): HeldToken {
    return {
      accessToken: tokens.accessToken,
      scope: tokens.scope,
      ...tokenTiming(tokens.sentAt, tokens.expiresIn, this.options),
    };
  }

  private async rotate(): Promise<HeldToken> {
    if (this.ended) throw this.ended;
    this.endpoint ??= resolveTokenEndpoint(this.options);
    this.endpoint.catch(() => {
      this.endpoint = undefined;
    });
    const params: Record<string, string> = {
      grant_type: 'refresh_token',
      refresh_token: this.currentRefreshToken,
    };
    if (this.options.scope !== undefined) params.scope = this.options.scope;
    let tokens: TokenSet;
    try {
      const { response, sentAt } = await requestToken(
        await this.endpoint,
        this.options,
        params,
        'once-only',
        this.options,
        this.options.dpop,
      );
      tokens = toTokenSet(response, sentAt);
    } catch (err) {
      // The grant is gone (revoked, expired, or the token was reused): the user must authorize again.
      if (err instanceof OAuthError && err.error === 'invalid_grant') this.ended = err;
      throw err;
    }
    // Without a new refresh token the server does not rotate: the old one stays valid.
    if (tokens.refreshToken !== undefined) this.currentRefreshToken = tokens.refreshToken;
    else tokens.refreshToken = this.currentRefreshToken;
    this.latest = tokens;
    await this.options.onRotate?.(tokens);
    return this.held(tokens);
  }
}
