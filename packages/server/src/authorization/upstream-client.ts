import type * as OpenIdClient from 'openid-client';
import type { UpstreamProvider } from '../config/sign-in.ts';

let loaded: Promise<typeof OpenIdClient> | undefined;

/**
 * openid-client, loaded with the first upstream sign-in: a server without upstream providers
 * (most) never loads it.
 */
export function openidClient(): Promise<typeof OpenIdClient> {
  loaded ??= import('openid-client');
  return loaded;
}

/** The upstream could not be reached, or answered with a server error: try again later. */
export class UpstreamUnavailable extends Error {
  constructor(upstream: string, cause: unknown) {
    super(`the upstream ${upstream} is unavailable: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'UpstreamUnavailable';
  }
}

/** The upstream answered the callback with an OAuth error (RFC 6749 4.1.2.1), e.g. access_denied. */
export class UpstreamDenied extends Error {
  constructor(readonly error: string) {
    super(`the upstream answered ${error}`);
    this.name = 'UpstreamDenied';
  }
}

/** The upstream's answer failed a check (state, nonce, audience, signature, auth_time, the code). */
export class UpstreamRefused extends Error {
  constructor(cause: unknown) {
    super(`the upstream's answer was refused: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'UpstreamRefused';
  }
}

/** What one sign-in sends upstream and must find again in the answer. */
export interface UpstreamChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
  maxAge: number | null;
}

/** The discovery document is read again after this long (new endpoints, new signing keys). */
const DISCOVERY_TTL_MS = 3600_000;

/** A network failure, a timeout, or a 5xx: the upstream is down rather than saying no. */
function unreachable(err: unknown, oidc: typeof OpenIdClient): boolean {
  if (err instanceof TypeError) return true;
  if (err instanceof DOMException) return err.name === 'TimeoutError' || err.name === 'AbortError';
  if (!(err instanceof oidc.ClientError)) return false;
  if (err.code === 'OAUTH_TIMEOUT' || err.code === 'OAUTH_ABORT') return true;
  const cause = (err as { cause?: unknown }).cause;
  if (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM')
    return !(cause instanceof Response) || cause.status >= 500;
  return false;
}

/**
 * Gatehouse as a relying party of one upstream OpenID Connect provider, through openid-client
 * (a certified relying-party library): discovery, the authorization URL with PKCE (S256),
 * state and nonce, and the code exchange, which checks the state, the id_token's signature,
 * `iss`, `aud`, `nonce`, expiry and `auth_time` against `max_age`. Nothing of the id_token is
 * checked by hand here.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 */
export class UpstreamClient {
  private discovered: { config: Promise<OpenIdClient.Configuration>; at: number } | undefined;

  constructor(
    readonly provider: UpstreamProvider,
    /** Our callback for this upstream, registered there as a redirect URI. */
    readonly redirectUri: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The URL to send the browser to; throws UpstreamUnavailable when discovery fails. Of our
   * flow's `prompt`, `login` and `select_account` go upstream (`none` never reaches a sign-in,
   * `consent` is ours to ask); `login_hint` goes as it is.
   */
  async authorizationUrl(
    checks: UpstreamChecks,
    prompt: string | null,
    loginHint?: string | null,
  ): Promise<URL> {
    const oidc = await openidClient();
    const config = await this.configuration();
    const params: Record<string, string> = {
      redirect_uri: this.redirectUri,
      scope: this.provider.scopes.join(' '),
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    };
    const upstreamPrompt = (prompt ?? '').split(' ').filter((p) => p === 'login' || p === 'select_account');
    if (upstreamPrompt.length > 0) params.prompt = upstreamPrompt.join(' ');
    if (loginHint) params.login_hint = loginHint;
    if (checks.maxAge !== null) params.max_age = String(checks.maxAge);
    return oidc.buildAuthorizationUrl(config, params);
  }

  /**
   * Redeems the callback's code and returns the person's claims: the id_token's, with the
   * userinfo endpoint's over them when the upstream has one (openid-client checks its `sub`).
   */
  async redeem(callback: URLSearchParams, checks: UpstreamChecks): Promise<Record<string, unknown>> {
    const oidc = await openidClient();
    const config = await this.configuration();
    const current = new URL(this.redirectUri);
    current.search = callback.toString();
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
        ...(checks.maxAge !== null ? { maxAge: checks.maxAge } : {}),
      });
      const claims = tokens.claims();
      if (!claims) throw new UpstreamRefused(new Error('no id_token'));
      if (!config.serverMetadata().userinfo_endpoint) return { ...claims };
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      return { ...claims, ...info, sub: claims.sub };
    } catch (err) {
      if (err instanceof UpstreamRefused) throw err;
      if (err instanceof oidc.AuthorizationResponseError) throw new UpstreamDenied(err.error);
      if (unreachable(err, oidc)) throw new UpstreamUnavailable(this.provider.id, err);
      throw new UpstreamRefused(err);
    }
  }

  /** The upstream's discovered configuration, read once an hour; a failure is not kept. */
  private configuration(): Promise<OpenIdClient.Configuration> {
    const now = Date.now();
    if (!this.discovered || now - this.discovered.at > DISCOVERY_TTL_MS) {
      const { issuer, clientId, clientSecret } = this.provider;
      const config = openidClient()
        .then((oidc) =>
          oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
            timeout: Math.ceil(this.timeoutMs / 1000),
            // Plain http only when the operator configured an http issuer (a test, a laptop);
            // configWarnings says so in production.
            ...(issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {}),
          }),
        )
        .catch((err: unknown) => {
          if (this.discovered?.config === config) this.discovered = undefined;
          throw new UpstreamUnavailable(this.provider.id, err);
        });
      this.discovered = { config, at: now };
    }
    return this.discovered.config;
  }
}
