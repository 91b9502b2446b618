import type { AppService } from '../apps/app-service.ts';
import type { AccessPolicy } from '../companies/access-policy.ts';
import {
  AuthorizationPageError,
  AuthorizationRedirectError,
  type AuthorizationRequest,
} from '../oauth/endpoints/authorize.ts';
import {
  AccessDenied,
  AccountSelectionRequired,
  ConsentRequired,
  InteractionRequired,
  LoginRequired,
  type OAuthError,
} from '../oauth/errors.ts';
import { hasPrompt } from '../oauth/oidc-parameters.ts';
import type { AuthorizationFlow } from '../storage/authorization-types.ts';
import type { App, Company } from '../storage/types.ts';
import { AuthorizationService } from './authorization-service.ts';
import {
  type CompanyChoiceView,
  type ConsentView,
  delivered,
  EXPIRED,
  errorPage,
  errorRedirect,
  type FlowStep,
  GONE,
  type GrantShownView,
  type SignInView,
} from './flow-steps.ts';
import type { ActiveSession, SessionService } from './session-service.ts';

export interface FlowDeps {
  /** Our issuer, sent as `iss` with every authorization response (RFC 9207). */
  issuer: string;
  apps: Pick<AppService, 'findByClientId'>;
  authorization: AuthorizationService;
  sessions: Pick<SessionService, 'user' | 'signOutKeepingFlows'>;
  /** Plan gating: a company whose plan does not allow granting sees a page instead of consent. */
  access: Pick<AccessPolicy, 'planAllows' | 'rules'>;
}

/** A flow that can still go on, with its request and app. */
interface Pending {
  flow: AuthorizationFlow;
  req: AuthorizationRequest;
  app: App;
}

/**
 * The interactive authorization flow: authorize → sign in → choose company → consent →
 * redirect. Each method takes the browser's session and what the user sent, and returns the
 * next step (flow-steps.ts); every rule of the order lives in {@link advance}, to which every
 * page comes back. A flow is bound to the session that started it and ends exactly once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1
 */
export class AuthorizationFlows {
  constructor(private readonly deps: FlowDeps) {}

  /**
   * The step for a request that failed validation: on a page while the client and redirect URI
   * are unproven, else back to the client. Undefined for any other error.
   */
  refusal(err: unknown): FlowStep | undefined {
    if (err instanceof AuthorizationPageError) return errorPage(400, 'flow.link_unusable_title', err.oauth);
    if (err instanceof AuthorizationRedirectError)
      return errorRedirect(this.deps.issuer, err.request, err.oauth);
    return undefined;
  }

  /** A validated request: a new flow bound to the session, then its first step. */
  async start(app: App, request: AuthorizationRequest, active: ActiveSession): Promise<FlowStep> {
    const flow = await this.deps.authorization.startFlow(app, request, active.session.idHash);
    return this.advance(active, flow.id);
  }

  /** Moves a flow to its next step: sign-in, company, consent, or done. */
  async advance(active: ActiveSession, flowId: string | undefined): Promise<FlowStep> {
    const pending = await this.pending(active, flowId);
    if (!pending) return EXPIRED;
    const { flow, req, app } = pending;
    const userId = active.session.userId;
    // prompt=none: every step that would show a page ends the flow with its OIDC error instead.
    const silent = hasPrompt(req, 'none');
    if (userId === null || signInNeeded(pending, active)) {
      if (silent)
        return this.abort(
          active,
          flow,
          new LoginRequired(userId === null ? 'the user is not signed in' : 'the user must sign in again'),
        );
      return { kind: 'sign-in', flowId: flow.id };
    }
    const companies = await this.deps.authorization.grantableCompanies(userId, app);
    let companyId = flow.companyId;
    if (companyId === null || !companies.some((c) => c.id === companyId)) {
      if (companies.length === 0)
        return this.abort(
          active,
          flow,
          new AccessDenied(
            'the signed-in user is not an administrator of any company that can grant this app',
          ),
        );
      const chosen = await this.companyWithoutAsking(pending, companies);
      if (!chosen) {
        if (silent)
          return this.abort(
            active,
            flow,
            new AccountSelectionRequired('the user must choose the company to grant access for'),
          );
        return { kind: 'choose-company', flowId: flow.id };
      }
      companyId = chosen.id;
      await this.deps.authorization.setFlowCompany(flow.id, active.session.idHash, companyId);
    }
    const blocked = await this.planBlock(companyId);
    if (blocked && silent)
      return this.abort(
        active,
        flow,
        new InteractionRequired("the company's plan does not allow granting access"),
      );
    if (blocked) return blocked;
    if (await this.deps.authorization.canSkipConsent(app, companyId, req))
      return this.finish(active, flow.id);
    if (silent) return this.abort(active, flow, new ConsentRequired('the user must consent'));
    return { kind: 'consent', flowId: flow.id };
  }

  /**
   * The company to grant for without showing the chooser: the only one the person may grant
   * for, or with `prompt=none` the only one whose grant already covers the request. Never with
   * `prompt=select_account`, which always shows the chooser (with "use another account").
   */
  private async companyWithoutAsking({ req, app }: Pending, companies: Company[]) {
    if (hasPrompt(req, 'select_account')) return undefined;
    if (companies.length === 1) return companies[0];
    if (hasPrompt(req, 'none')) return this.deps.authorization.rememberedCompany(app, companies, req);
    return undefined;
  }

  /**
   * "Use another account" on the company chooser: the browser is signed out on a fresh session
   * that keeps its flows, and the flow goes on at the sign-in page. The route sets the cookie.
   */
  async switchAccount(
    active: ActiveSession,
    flowId: string | undefined,
  ): Promise<{ step: FlowStep; active?: ActiveSession }> {
    const pending = await this.pending(active, flowId);
    if (!pending) return { step: GONE };
    const fresh = await this.deps.sessions.signOutKeepingFlows(active);
    return { step: { kind: 'sign-in', flowId: pending.flow.id }, active: fresh };
  }

  /** GET of the sign-in page: a signed-in browser goes on with its flow. */
  async signInView(active: ActiveSession, flowId: string | undefined): Promise<SignInView> {
    const pending = await this.pending(active, flowId);
    if (active.session.userId !== null && !(pending && signInNeeded(pending, active))) {
      if (pending) return { kind: 'continue', flowId: pending.flow.id };
      const user = await this.deps.sessions.user(active);
      return { kind: 'signed-in', ...(user ? { user } : {}) };
    }
    return { kind: 'sign-in-page', ...(pending ? { pending: view(pending) } : {}) };
  }

  /** GET of the company chooser: the companies the user may grant this app for. */
  async companyChoice(
    active: ActiveSession,
    flowId: string | undefined,
  ): Promise<FlowStep | CompanyChoiceView> {
    const pending = await this.pending(active, flowId);
    if (!pending) return GONE;
    const userId = active.session.userId;
    if (userId === null) return { kind: 'sign-in', flowId: pending.flow.id };
    const [companies, user] = await Promise.all([
      this.deps.authorization.grantableCompanies(userId, pending.app),
      this.deps.sessions.user(active),
    ]);
    return { kind: 'company-page', ...view(pending), companies, signedInAs: user?.email ?? '' };
  }

  /** POST of the company chooser: a company the user may grant for, or the chooser again. */
  async chooseCompany(
    active: ActiveSession,
    flowId: string | undefined,
    companyId: string | undefined,
  ): Promise<FlowStep> {
    const pending = await this.pending(active, flowId);
    const userId = active.session.userId;
    if (!pending || userId === null) return GONE;
    const companies = await this.deps.authorization.grantableCompanies(userId, pending.app);
    if (companyId === undefined || !companies.some((c) => c.id === companyId))
      return { kind: 'choose-company', flowId: pending.flow.id };
    await this.deps.authorization.setFlowCompany(pending.flow.id, active.session.idHash, companyId);
    return { kind: 'continue', flowId: pending.flow.id };
  }

  /** GET of the consent page: what the app asks of which company, and who is signed in. */
  async consentView(active: ActiveSession, flowId: string | undefined): Promise<FlowStep | ConsentView> {
    const pending = await this.pending(active, flowId);
    if (!pending) return GONE;
    const { flow, req, app } = pending;
    if (active.session.userId === null || flow.companyId === null)
      return { kind: 'continue', flowId: flow.id };
    const [user, company] = await Promise.all([
      this.deps.sessions.user(active),
      this.deps.authorization.company(flow.companyId),
    ]);
    if (!user || !company) return GONE;
    return { kind: 'consent-page', ...view(pending), app, company, user, scopes: req.scopes };
  }

  /** POST of the consent page: `grant`, `deny`, or (anything else) the flow's step again. */
  async decide(
    active: ActiveSession,
    flowId: string | undefined,
    decision: string | undefined,
  ): Promise<FlowStep> {
    const pending = await this.pending(active, flowId);
    if (!pending || active.session.userId === null || pending.flow.companyId === null) return GONE;
    if (decision === 'grant') return this.finish(active, pending.flow.id);
    if (decision === 'deny')
      return this.abort(active, pending.flow, new AccessDenied('the user denied access'));
    return this.advance(active, pending.flow.id);
  }

  /**
   * A sign-in refused by whoever authenticates people (the login application of login
   * delegation): the flow ends and the client hears the error (or it is shown on a page).
   */
  async refuse(active: ActiveSession, flowId: string, err: OAuthError): Promise<FlowStep> {
    const pending = await this.pending(active, flowId);
    if (!pending) return EXPIRED;
    return this.abort(active, pending.flow, err);
  }

  /** GET of the page that shows a company grant's GUID, for the session that granted it. */
  async grantShown(active: ActiveSession, flowId: string): Promise<FlowStep | GrantShownView> {
    const flow = await this.deps.authorization.findFlow(flowId, active.session.idHash);
    if (!flow || flow.grantGuid === null || flow.companyId === null) return EXPIRED;
    const [grant, company] = await Promise.all([
      this.deps.authorization.grantByGuid(flow.grantGuid),
      this.deps.authorization.company(flow.companyId),
    ]);
    const app = await this.deps.apps.findByClientId(AuthorizationService.request(flow).clientId);
    if (!grant || !company || !app) return EXPIRED;
    return { kind: 'grant-page', appName: app.name, company, grant };
  }

  /** Grants, then delivers what the app asked for. Single use: a second submit finds no flow. */
  private async finish(active: ActiveSession, flowId: string): Promise<FlowStep> {
    const userId = active.session.userId;
    if (userId === null) return EXPIRED;
    const { authorization } = this.deps;
    // The plan is checked again at Grant: it may have changed since the consent page was shown.
    const before = await authorization.findFlow(flowId, active.session.idHash);
    const blocked = before?.companyId ? await this.planBlock(before.companyId) : undefined;
    if (blocked) return blocked;
    // So is the role: an admin demoted or removed while the consent page was open grants nothing.
    if (before?.companyId) {
      const app = await this.deps.apps.findByClientId(AuthorizationService.request(before).clientId);
      const companies = app ? await authorization.grantableCompanies(userId, app) : [];
      if (!companies.some((c) => c.id === before.companyId))
        return this.abort(
          active,
          before,
          new AccessDenied('the signed-in user is no longer an administrator of this company'),
        );
    }
    const flow = await authorization.claimFlow(flowId, active.session.idHash);
    if (!flow || flow.companyId === null) return EXPIRED;
    const req = AuthorizationService.request(flow);
    const app = await this.deps.apps.findByClientId(req.clientId);
    if (!app) return EXPIRED;
    const authTime = active.session.authTime ?? new Date();
    const outcome = await authorization.complete(app, req, userId, flow.companyId, authTime, {
      sid: active.session.sid ?? null,
      expiresAt: active.session.expiresAt,
    });
    if (outcome.kind === 'company_grant' && req.redirectUri === null) {
      const shown = await authorization.keepToShowGrant(flow, outcome.grant.guid);
      return { kind: 'show-grant', flowId: shown.id };
    }
    return delivered(this.deps.issuer, req, outcome);
  }

  /** Ends the flow and sends the error to the client (or shows it, with nowhere to send it). */
  private async abort(active: ActiveSession, flow: AuthorizationFlow, err: OAuthError): Promise<FlowStep> {
    const claimed = await this.deps.authorization.claimFlow(flow.id, active.session.idHash);
    if (!claimed) return EXPIRED;
    return errorRedirect(this.deps.issuer, AuthorizationService.request(claimed), err);
  }

  /** The plan page when the company's plan does not allow granting access. */
  private async planBlock(companyId: string): Promise<FlowStep | undefined> {
    const company = await this.deps.authorization.company(companyId);
    if (!company || this.deps.access.planAllows(company, 'grantAccess')) return undefined;
    return { kind: 'plan-required', company, plans: this.deps.access.rules.grantAccess };
  }

  /** The session's flow, still to be granted, with its app; undefined when any is gone. */
  private async pending(active: ActiveSession, flowId: string | undefined): Promise<Pending | undefined> {
    if (flowId === undefined) return undefined;
    const flow = await this.deps.authorization.findFlow(flowId, active.session.idHash);
    if (!flow || flow.grantGuid !== null) return undefined;
    const req = AuthorizationService.request(flow);
    const app = await this.deps.apps.findByClientId(req.clientId);
    return app ? { flow, req, app } : undefined;
  }
}

/**
 * Whether the flow asks for a sign-in although someone is signed in: `prompt=login` wants one
 * made during this flow, `max_age` one at most that many seconds old (OIDC Core 3.1.2.1). A
 * sign-in made since the flow started satisfies both.
 */
function signInNeeded({ flow, req }: Pending, active: ActiveSession): boolean {
  const at = active.session.authTime?.getTime() ?? 0;
  if (at >= flow.createdAt.getTime()) return false;
  if (hasPrompt(req, 'login')) return true;
  return req.maxAge !== undefined && req.maxAge !== null && Date.now() - at > req.maxAge * 1000;
}

function view({ flow, req, app }: Pending) {
  return {
    flowId: flow.id,
    appName: app.name,
    redirectUri: req.redirectUri,
    loginHint: req.loginHint ?? null,
  };
}
