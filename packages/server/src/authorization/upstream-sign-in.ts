import type { Logger } from 'pino';
import type { SignInConfig, UpstreamProvider } from '../config/sign-in.ts';
import type { MessageKey } from '../i18n/catalogs.ts';
import type { DirectoryStore, ExternalIdentityStore } from '../storage/storage.ts';
import { sha256 } from '../util/hash.ts';
import { AuthorizationService } from './authorization-service.ts';
import { FLOW_EXPIRED, type SignInFailure, signInFailure } from './sign-in-failure.ts';
import { openidClient, UpstreamClient, UpstreamDenied, UpstreamUnavailable } from './upstream-client.ts';
import { type LinkRefusal, UpstreamLinking } from './upstream-linking.ts';

/** How long a person has to sign in upstream and come back. */
export const UPSTREAM_SIGN_IN_TTL_MS = 10 * 60_000;

/** A sign-in through an upstream that could not go on: the page that says why. */
export type UpstreamFailure = SignInFailure;

export type UpstreamStart = { kind: 'redirect'; url: string } | UpstreamFailure;
export type UpstreamFinish =
  | { kind: 'signed-in'; userId: string; flowId: string | null; returnTo: string | null }
  | UpstreamFailure;

const fail = signInFailure;

const REFUSALS: Record<LinkRefusal, MessageKey> = {
  'no-email': 'upstream.no_email',
  'email-unverified': 'upstream.email_unverified',
  'already-linked': 'upstream.already_linked',
  'no-account': 'upstream.no_account',
  disabled: 'upstream.disabled',
};

/**
 * Sign-in through upstream OpenID Connect providers (docs/sign-in.md): `begin` sends the
 * browser upstream with state, nonce and PKCE, bound to its session (and its pending
 * authorization flow); `finish` takes the callback: the pending sign-in is claimed once, by
 * the session that began it, the code is redeemed and the id_token checked (openid-client),
 * and the person is linked to a user (upstream-linking.ts). The route then signs the session
 * in and the flow goes on as after a password.
 */
export class UpstreamSignIn {
  private readonly clients = new Map<string, UpstreamClient>();
  private readonly linking: UpstreamLinking;

  constructor(
    private readonly storage: ExternalIdentityStore &
      Pick<DirectoryStore, 'getUser' | 'getUserByEmail' | 'getCompany' | 'pageCompanies'>,
    private readonly authorization: Pick<AuthorizationService, 'findFlow'>,
    config: SignInConfig,
    /** Our issuer: callbacks are `${issuer}/login/upstream/{id}/callback`. */
    issuer: string,
    private readonly log?: Logger,
  ) {
    for (const p of config.upstreams)
      this.clients.set(
        p.id,
        new UpstreamClient(p, `${issuer}/login/upstream/${p.id}/callback`, config.upstreamTimeoutMs),
      );
    this.linking = new UpstreamLinking(storage);
  }

  /** The upstreams to offer, in configured order. */
  providers(): Pick<UpstreamProvider, 'id' | 'name'>[] {
    return [...this.clients.values()].map(({ provider: { id, name } }) => ({ id, name }));
  }

  /**
   * Starts a sign-in with upstream `id` for the session: for its flow (whose prompt, max_age and
   * login_hint go upstream), or without one for `returnTo` (a safe console path, checked by the caller).
   */
  async begin(
    id: string,
    sessionHash: string,
    flowId: string | undefined,
    returnTo?: string,
  ): Promise<UpstreamStart> {
    const client = this.clients.get(id);
    if (!client) return fail(404, 'upstream.unknown_title', 'upstream.unknown', 'unknown_upstream');
    let prompt: string | null = null;
    let maxAge: number | null = null;
    let loginHint: string | null = null;
    if (flowId !== undefined) {
      const flow = await this.authorization.findFlow(flowId, sessionHash);
      if (!flow) return FLOW_EXPIRED;
      const req = AuthorizationService.request(flow);
      prompt = req.prompt;
      maxAge = req.maxAge ?? null;
      loginHint = req.loginHint ?? null;
    }
    const oidc = await openidClient();
    const checks = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      maxAge,
    };
    let url: URL;
    try {
      url = await client.authorizationUrl(checks, prompt, loginHint);
    } catch (err) {
      return this.unavailable(client.provider, err);
    }
    await this.storage.createUpstreamSignIn({
      stateHash: sha256(checks.state),
      sessionHash,
      upstreamId: id,
      flowId: flowId ?? null,
      returnTo: flowId === undefined ? (returnTo ?? null) : null,
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
      maxAge,
      expiresAt: new Date(Date.now() + UPSTREAM_SIGN_IN_TTL_MS),
    });
    return { kind: 'redirect', url: url.href };
  }

  /** The callback from upstream `id`, with its query, for the session it came back to. */
  async finish(id: string, sessionHash: string, query: URLSearchParams): Promise<UpstreamFinish> {
    const client = this.clients.get(id);
    if (!client) return fail(404, 'upstream.unknown_title', 'upstream.unknown', 'unknown_upstream');
    const name = client.provider.name;
    const state = query.get('state');
    const pending = state ? await this.storage.claimUpstreamSignIn(sha256(state), sessionHash) : undefined;
    if (!pending || pending.upstreamId !== id || state === null)
      return fail(400, 'upstream.invalid_state_title', 'upstream.invalid_state', 'invalid_state', name);
    let claims: Record<string, unknown>;
    try {
      claims = await client.redeem(query, {
        state,
        nonce: pending.nonce,
        codeVerifier: pending.codeVerifier,
        maxAge: pending.maxAge,
      });
    } catch (err) {
      if (err instanceof UpstreamUnavailable) return this.unavailable(client.provider, err);
      if (err instanceof UpstreamDenied)
        return fail(403, 'upstream.denied_title', 'upstream.denied', err.error, name);
      this.log?.warn(
        { event: 'upstream_refused', upstream: id, err },
        'an upstream answer failed its checks',
      );
      return fail(400, 'upstream.refused_title', 'upstream.refused', 'invalid_upstream_response', name);
    }
    const linked = await this.linking.resolve(client.provider, claims);
    if (linked.kind === 'refused') {
      this.log?.info(
        { event: 'upstream_link_refused', upstream: id, reason: linked.reason },
        'upstream sign-in refused',
      );
      return fail(
        403,
        'upstream.link_refused_title',
        REFUSALS[linked.reason],
        linked.reason.replaceAll('-', '_'),
        name,
      );
    }
    return { kind: 'signed-in', userId: linked.user.id, flowId: pending.flowId, returnTo: pending.returnTo };
  }

  private unavailable(provider: UpstreamProvider, err: unknown): UpstreamFailure {
    this.log?.warn(
      { event: 'upstream_unavailable', upstream: provider.id, err },
      'an upstream is unavailable',
    );
    return fail(
      503,
      'upstream.unavailable_title',
      'upstream.unavailable',
      'upstream_unavailable',
      provider.name,
    );
  }
}
