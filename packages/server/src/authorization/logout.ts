import type { App } from '../storage/types.ts';
import type { IdTokenHint } from '../tokens/id-token-hint.ts';
import type { ActiveSession } from './session-service.ts';

/** The end-session request's parameters, as received (GET query or POST form). */
export interface LogoutRequest {
  idTokenHint?: string | undefined;
  clientId?: string | undefined;
  postLogoutRedirectUri?: string | undefined;
  state?: string | undefined;
}

/** What the confirm page carries over to its POST: nothing that was not checked already. */
export interface ConfirmCarry {
  clientId: string | null;
  /** Only a URI registered on that app. */
  postLogoutRedirectUri: string | null;
  state: string | null;
}

/** The next step of an RP-initiated logout. */
export type LogoutStep =
  /** Signed out (or nobody was), back to the app. */
  | { kind: 'redirect'; location: string }
  /** Signed out (or nobody was), and nowhere to send the browser: the signed-out page. */
  | { kind: 'signed-out' }
  /** Ask the person first: no valid hint, or a hint for someone else. */
  | { kind: 'confirm'; appName: string | null; carry: ConfirmCarry };

export interface LogoutDeps {
  apps: { findByClientId(clientId: string): Promise<App | null | undefined> };
  hints: { read(token: string): Promise<IdTokenHint | undefined> };
  sessions: { signOut(active: ActiveSession): Promise<unknown> };
}

const MAX_STATE = 2000;

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) as a domain module: the
 * end-session request and the person's answer in, the next step out; the route only
 * translates HTTP. The rules:
 *
 * - `id_token_hint` must be an ID token of ours (signature by our keys, our `iss`; expired is
 *   fine). A hint that fails is ignored together with the redirect: a forged hint never
 *   redirects anywhere.
 * - The app is the hint's `aud`, or `client_id`; when both are given they must agree.
 * - `post_logout_redirect_uri` is used only if registered on that app, exactly; otherwise the
 *   person sees the signed-out page. `state` goes back with the redirect.
 * - Without a valid hint, or with a hint for another user than the one signed in, the person
 *   confirms first (a CSRF-protected form), so that a third-party page cannot sign them out.
 *
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 */
export class RpInitiatedLogout {
  constructor(private readonly deps: LogoutDeps) {}

  /** GET or POST of the end-session endpoint. */
  async start(active: ActiveSession | undefined, req: LogoutRequest): Promise<LogoutStep> {
    const hint = req.idTokenHint ? await this.deps.hints.read(req.idTokenHint) : undefined;
    const hintFailed = req.idTokenHint !== undefined && req.idTokenHint !== '' && hint === undefined;
    const clientId = req.clientId || hint?.clientId;
    const mismatch = hint !== undefined && req.clientId !== undefined && req.clientId !== hint.clientId;
    const app =
      (clientId && !mismatch ? await this.deps.apps.findByClientId(clientId) : undefined) ?? undefined;
    const state = req.state && req.state.length <= MAX_STATE ? req.state : null;
    // A redirect needs an app, a registered URI, and no failed or contradicting hint.
    const uri = app && !hintFailed && !mismatch ? registered(app, req.postLogoutRedirectUri) : null;
    const signedIn = active?.session.userId ?? null;
    const trusted = hint !== undefined && !mismatch && app !== undefined;
    if (signedIn !== null && !(trusted && hint.sub === signedIn)) {
      return {
        kind: 'confirm',
        appName: app?.name ?? null,
        carry: { clientId: app?.clientId ?? null, postLogoutRedirectUri: uri, state },
      };
    }
    if (active && signedIn !== null) await this.deps.sessions.signOut(active);
    // Nobody signed in: nothing to end. Back to the app only on a valid hint.
    return trusted && uri ? { kind: 'redirect', location: withState(uri, state) } : { kind: 'signed-out' };
  }

  /** The confirm page's POST (its CSRF token already checked): signs out, then back to the app. */
  async confirm(active: ActiveSession, carry: Partial<ConfirmCarry>): Promise<LogoutStep> {
    await this.deps.sessions.signOut(active);
    const app = carry.clientId ? await this.deps.apps.findByClientId(carry.clientId) : null;
    const uri = app ? registered(app, carry.postLogoutRedirectUri ?? undefined) : null;
    const state = carry.state && carry.state.length <= MAX_STATE ? carry.state : null;
    return uri ? { kind: 'redirect', location: withState(uri, state) } : { kind: 'signed-out' };
  }
}

/** The URI if the app registered exactly this one. */
function registered(app: App, uri: string | null | undefined): string | null {
  return uri && app.postLogoutRedirectUris.includes(uri) ? uri : null;
}

function withState(uri: string, state: string | null): string {
  if (state === null) return uri;
  const url = new URL(uri);
  url.searchParams.append('state', state);
  return url.href;
}
