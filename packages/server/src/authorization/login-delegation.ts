import type { AppService } from '../apps/app-service.ts';
import type { LoginDelegationConfig } from '../config/sign-in.ts';
import { DomainError, GoneError, NotFoundError } from '../errors.ts';
import type { DirectoryStore, LoginRequest, LoginRequestStore } from '../storage/storage.ts';
import { sha256 } from '../util/hash.ts';
import { newSecret } from '../util/secrets.ts';
import { AuthorizationService } from './authorization-service.ts';
import type { DelegatedSubject, DelegatedUsers } from './delegated-user.ts';
import { FLOW_EXPIRED, type SignInFailure, signInFailure } from './sign-in-failure.ts';

/** How long the login application has to answer, and the browser to come back. */
export const LOGIN_REQUEST_TTL_MS = 10 * 60_000;

/** The errors a login application may reject a login request with (sent on to the client). */
export const REJECT_ERRORS = ['access_denied', 'login_required'] as const;
export type RejectError = (typeof REJECT_ERRORS)[number];

/** What GET /api/v1/login-requests/{challenge} tells the login application. */
export interface LoginRequestView {
  challenge: string;
  /** Null for the console's sign-in (no client). */
  client: { clientId: string; name: string } | null;
  scopes: string[];
  prompt: string | null;
  loginHint: string | null;
  maxAge: number | null;
  /** Always false: with a session good enough, Gatehouse does not ask the login application. */
  skip: false;
  /** The external id of whoever the browser is signed in as (a re-authentication), else null. */
  subject: string | null;
  expiresAt: Date;
}

export type DelegationFinish =
  | { kind: 'signed-in'; userId: string; flowId: string | null; returnTo: string | null }
  | {
      kind: 'rejected';
      flowId: string | null;
      error: RejectError;
      description: string;
    }
  | SignInFailure;

const ANSWERED = 'this login request was already accepted or rejected; start a new sign-in';

/**
 * Login delegation (docs/sign-in.md): when the flow needs a signed-in person, `begin` stores a
 * login request bound to the browser session and its flow and sends the browser to the SaaS
 * company's login application with a `login_challenge` (random, single use, 10 minutes; only
 * its SHA-256 is kept). The application authenticates the person its own way and answers
 * through the operator API (`describe`, `accept`, `reject`), which hands it a URL carrying a
 * `login_verifier`; `finish` takes that verifier back from the browser, only for the session
 * that began the request, once. The verifier, not the challenge, signs a browser in: a
 * challenge that leaks to another browser signs nobody in there.
 */
export class LoginDelegation {
  constructor(
    private readonly storage: LoginRequestStore & Pick<DirectoryStore, 'getUser'>,
    private readonly authorization: Pick<AuthorizationService, 'findFlow'>,
    private readonly apps: Pick<AppService, 'findByClientId'>,
    private readonly users: DelegatedUsers,
    private readonly config: LoginDelegationConfig | undefined,
    /** Our issuer: the URL handed to the login application is `${issuer}/login/delegated?…`. */
    private readonly issuer: string,
  ) {}

  /** The label of the "Sign in with NAME" button, or undefined when delegation is off. */
  get name(): string | undefined {
    return this.config?.name;
  }

  /** Starts a delegated sign-in for the session: for its flow, or for `returnTo` (the console). */
  async begin(
    sessionHash: string,
    sessionUserId: string | null,
    flowId: string | undefined,
    returnTo?: string,
  ): Promise<{ kind: 'redirect'; url: string } | SignInFailure> {
    if (!this.config) return signInFailure(404, 'upstream.unknown_title', 'delegation.off', 'delegation_off');
    if (flowId !== undefined && !(await this.authorization.findFlow(flowId, sessionHash)))
      return FLOW_EXPIRED;
    const challenge = newSecret('loginChallenge');
    await this.storage.createLoginRequest({
      challengeHash: sha256(challenge),
      sessionHash,
      flowId: flowId ?? null,
      returnTo: flowId === undefined ? (returnTo ?? null) : null,
      sessionUserId,
      expiresAt: new Date(Date.now() + LOGIN_REQUEST_TTL_MS),
    });
    const url = new URL(this.config.url);
    url.searchParams.set('login_challenge', challenge);
    return { kind: 'redirect', url: url.href };
  }

  /** The pending request, for the login application to show; 404 unknown or expired, 410 answered. */
  async describe(challenge: string): Promise<LoginRequestView> {
    const request = await this.pending(challenge);
    let client: LoginRequestView['client'] = null;
    let req: ReturnType<typeof AuthorizationService.request> | undefined;
    if (request.flowId !== null) {
      const flow = await this.authorization.findFlow(request.flowId, request.sessionHash);
      if (!flow) throw new GoneError('the authorization request of this login request has expired');
      req = AuthorizationService.request(flow);
      const app = await this.apps.findByClientId(req.clientId);
      client = { clientId: req.clientId, name: app?.name ?? req.clientId };
    }
    const signedIn = request.sessionUserId ? await this.storage.getUser(request.sessionUserId) : undefined;
    return {
      challenge,
      client,
      scopes: req?.scopes ?? [],
      prompt: req?.prompt ?? null,
      loginHint: req?.loginHint ?? null,
      maxAge: req?.maxAge ?? null,
      skip: false,
      subject: signedIn?.externalId ?? null,
      expiresAt: request.expiresAt,
    };
  }

  /**
   * The login application vouches for `subject`: the user is made or updated (and their
   * memberships set) just in time, and the answer recorded once. Returns where to send the
   * browser, and the companies named that do not exist here.
   */
  async accept(challenge: string, subject: DelegatedSubject, actor: string) {
    await this.pending(challenge);
    const { user, unknownCompanies } = await this.users.upsert(subject, actor);
    const verifier = newSecret('loginVerifier');
    const answered = await this.storage.answerLoginRequest(
      sha256(challenge),
      { status: 'accepted', userId: user.id },
      sha256(verifier),
    );
    if (!answered) throw new GoneError(ANSWERED);
    return { redirectTo: this.verifierUrl(verifier), user, unknownCompanies };
  }

  /** The login application refuses: the client hears `error` with the description. */
  async reject(challenge: string, error: RejectError, description: string | undefined) {
    await this.pending(challenge);
    const verifier = newSecret('loginVerifier');
    const answered = await this.storage.answerLoginRequest(
      sha256(challenge),
      { status: 'rejected', error, errorDescription: description ?? null },
      sha256(verifier),
    );
    if (!answered) throw new GoneError(ANSWERED);
    return { redirectTo: this.verifierUrl(verifier) };
  }

  /** The browser back with the verifier: the answer, once, for the session that began it. */
  async finish(verifier: string | undefined, sessionHash: string): Promise<DelegationFinish> {
    const request = verifier
      ? await this.storage.claimLoginVerifier(sha256(verifier), sessionHash)
      : undefined;
    if (!request)
      return signInFailure(
        400,
        'delegation.invalid_verifier_title',
        'delegation.invalid_verifier',
        'invalid_login_verifier',
      );
    if (request.status === 'rejected')
      return {
        kind: 'rejected',
        flowId: request.flowId,
        error: (request.error ?? 'access_denied') as RejectError,
        description: request.errorDescription ?? 'the sign-in was refused',
      };
    const user = request.userId ? await this.storage.getUser(request.userId) : undefined;
    if (!user)
      return signInFailure(400, 'delegation.no_account_title', 'delegation.no_account', 'no_account');
    if (user.disabledAt !== null)
      return signInFailure(403, 'upstream.link_refused_title', 'upstream.disabled', 'disabled');
    return { kind: 'signed-in', userId: user.id, flowId: request.flowId, returnTo: request.returnTo };
  }

  /** The request with this challenge while pending; 404 when unknown or expired, 410 when answered. */
  private async pending(challenge: string): Promise<LoginRequest> {
    if (!this.config)
      throw new DomainError('delegation_off', 'login delegation is off (GATEHOUSE_LOGIN_URL)', 404);
    const request = await this.storage.getLoginRequest(sha256(challenge));
    if (!request) throw new NotFoundError('login request (unknown or expired)');
    if (request.status !== 'pending') throw new GoneError(ANSWERED);
    return request;
  }

  private verifierUrl(verifier: string): string {
    return `${this.issuer}/login/delegated?login_verifier=${encodeURIComponent(verifier)}`;
  }
}
