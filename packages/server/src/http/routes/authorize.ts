import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../apps/app-service.ts';
import type { AuthorizationFlows } from '../../authorization/flow.ts';
import type { FlowStep } from '../../authorization/flow-steps.ts';
import type { LoginDelegation } from '../../authorization/login-delegation.ts';
import { SessionService } from '../../authorization/session-service.ts';
import type { UpstreamSignIn } from '../../authorization/upstream-sign-in.ts';
import { safeReturnTo } from '../../console/return-to.ts';
import type { OAuthContext } from '../../oauth/context.ts';
import { type AuthorizationRequest, validateAuthorizationRequest } from '../../oauth/endpoints/authorize.ts';
import type { ScopeCatalog } from '../../oauth/scopes/catalog.ts';
import { companyChooserPage } from '../../pages/company-chooser.ts';
import { consentPage, describeScopes } from '../../pages/consent.ts';
import { loginPage, signedInPage, signedOutPage, signInRefusal } from '../../pages/login.ts';
import { grantGuidPage } from '../../pages/result-pages.ts';
import { postedForm, queryParams } from '../page-input.ts';
import { formTargetOf, seeOther, sendErrorPage, sendPage } from '../page-reply.ts';
import { pageUi, rememberUiLocales } from '../page-ui.ts';
import {
  clearSessionCookie,
  ensureSession,
  type SessionCookies,
  setSessionCookie,
} from '../session-cookie.ts';
import { formParams } from './token.ts';

export interface AuthorizeDeps extends SessionCookies {
  ctx: OAuthContext;
  flows: AuthorizationFlows;
  scopeCatalog: ScopeCatalog;
  /** The sign-in choices of this deployment: the login page offers only these. */
  signIn: {
    localPasswords: boolean;
    upstreams: Pick<UpstreamSignIn, 'providers'>;
    /** Login delegation: its `name` is the button's label; undefined when it is off. */
    delegation?: Pick<LoginDelegation, 'name'>;
  };
}

/** What every login page shows besides its form: the ways in that are on. */
const choices = (deps: AuthorizeDeps) => {
  const delegation = deps.signIn.delegation?.name;
  return {
    upstreams: deps.signIn.upstreams.providers(),
    localPasswords: deps.signIn.localPasswords,
    ...(delegation !== undefined ? { delegation } : {}),
  };
};

/** With delegation the only way in, the login page is skipped: straight to the login application. */
const onlyDelegation = (deps: AuthorizeDeps) =>
  deps.signIn.delegation?.name !== undefined &&
  !deps.signIn.localPasswords &&
  deps.signIn.upstreams.providers().length === 0;

/** The page of each step that goes on in the browser. */
const STEP_PAGES = {
  'sign-in': '/login',
  'choose-company': '/authorize/company',
  consent: '/authorize/consent',
  continue: '/authorize/continue',
  'show-grant': '/authorize/granted',
} as const;

const flowQuery = (id: string) => `flow=${encodeURIComponent(id)}`;

/** Answers a step of the flow: a 303 to its page or to the client, or an error page. */
export function sendStep(reply: FastifyReply, step: FlowStep) {
  switch (step.kind) {
    case 'redirect':
      return seeOther(reply, step.url);
    case 'error-page':
      return sendErrorPage(reply, step.status, step);
    case 'plan-required': {
      const { company, plans } = step;
      const vars = { company: company.name, plans: pageUi(reply.request).t.or(plans), plan: company.plan };
      return sendErrorPage(reply, 403, {
        title: { key: 'flow.plan_title' },
        message: { key: 'flow.plan', vars },
        code: 'plan_required',
      });
    }
    default:
      return seeOther(reply, `${STEP_PAGES[step.kind]}?${flowQuery(step.flowId)}`);
  }
}

async function authorize(deps: AuthorizeDeps, request: FastifyRequest, reply: FastifyReply) {
  let validated: { app: App; request: AuthorizationRequest };
  try {
    validated = await validateAuthorizationRequest(() => {
      const params =
        request.method === 'POST'
          ? formParams(request.headers['content-type'], request.body)
          : queryParams(request);
      rememberUiLocales(request, reply, params.get('ui_locales'), deps.secure);
      return params;
    }, deps.ctx);
  } catch (err) {
    const refused = deps.flows.refusal(err);
    if (refused) return sendStep(reply, refused);
    throw err;
  }
  const active = await ensureSession(deps, request, reply);
  return sendStep(reply, await deps.flows.start(validated.app, validated.request, active));
}

/** GET and POST /login: the flow's sign-in step, and the console's sign-in (`return_to`). */
function signInRoutes(app: FastifyInstance, deps: AuthorizeDeps): void {
  app.get('/login', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const q = queryParams(request);
    const view = await deps.flows.signInView(active, q.get('flow'));
    if (view.kind === 'continue') return sendStep(reply, view);
    const returnTo =
      view.kind === 'sign-in-page' && view.pending ? undefined : safeReturnTo(q.get('return_to'));
    const csrf = SessionService.csrfToken(active);
    if (view.kind === 'signed-in') {
      if (returnTo) return seeOther(reply, returnTo);
      const notice = q.get('verification');
      return sendPage(
        reply,
        200,
        signedInPage(pageUi(request), {
          csrf,
          email: view.user?.email ?? '',
          emailVerified: view.user ? view.user.emailVerifiedAt !== null : true,
          ...(notice === 'sent' || notice === 'throttled' ? { notice } : {}),
        }),
      );
    }
    const { pending } = view;
    if (onlyDelegation(deps) && (pending || returnTo))
      return seeOther(
        reply,
        `/login/delegate?${pending ? flowQuery(pending.flowId) : `return_to=${encodeURIComponent(returnTo ?? '')}`}`,
      );
    return sendPage(
      reply,
      200,
      loginPage(pageUi(request), {
        csrf,
        ...choices(deps),
        ...(pending ? { flow: pending.flowId, appName: pending.appName } : {}),
        ...(pending?.loginHint ? { email: pending.loginHint } : {}),
        ...(returnTo ? { returnTo } : {}),
        ...(q.get('error') === 'invalid' ? { error: { key: 'sign_in.invalid' } } : {}),
      }),
      formTargetOf(pending?.redirectUri ?? null),
    );
  });

  app.post('/login', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    if (!deps.signIn.localPasswords)
      return sendErrorPage(reply, 403, {
        title: { key: 'sign_in.passwords_off_title' },
        message: { key: 'sign_in.passwords_off' },
        code: 'local_passwords_off',
      });
    const flowId = form.get('flow');
    const returnTo = safeReturnTo(form.get('return_to'));
    const email = form.get('email') ?? '';
    const outcome = await deps.sessions.signInWithPassword(
      active,
      email,
      form.get('password') ?? '',
      request.ip,
    );
    if (outcome.kind === 'throttled' || outcome.kind === 'busy') {
      request.log.warn(
        { event: outcome.kind === 'busy' ? 'login_busy' : 'login_throttled', ...outcome },
        'sign-in refused before the password check',
      );
      reply.header('Retry-After', String(outcome.retryAfter));
      return sendPage(
        reply,
        outcome.kind === 'busy' ? 503 : 429,
        loginPage(pageUi(request), {
          csrf: SessionService.csrfToken(active),
          ...choices(deps),
          ...(flowId ? { flow: flowId } : {}),
          ...(returnTo ? { returnTo } : {}),
          error: signInRefusal(outcome, pageUi(request)),
        }),
      );
    }
    if (outcome.kind === 'invalid') {
      request.log.info({ event: 'login_failed' }, 'sign-in failed');
      const back = flowId
        ? `${flowQuery(flowId)}&`
        : returnTo
          ? `return_to=${encodeURIComponent(returnTo)}&`
          : '';
      return seeOther(reply, `/login?${back}error=invalid`);
    }
    setSessionCookie(deps, reply, outcome.active);
    return seeOther(reply, flowId ? `/authorize/continue?${flowQuery(flowId)}` : (returnTo ?? '/login'));
  });

  app.post('/logout', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    await deps.sessions.signOut(posted.active);
    clearSessionCookie(deps, reply);
    return seeOther(reply, '/logout');
  });
  app.get('/logout', async (request, reply) => sendPage(reply, 200, signedOutPage(pageUi(request))));
}

/** The company chooser and the consent page, each a GET that shows and a POST that decides. */
function choiceRoutes(app: FastifyInstance, deps: AuthorizeDeps): void {
  app.get('/authorize/company', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const view = await deps.flows.companyChoice(active, queryParams(request).get('flow'));
    if (view.kind !== 'company-page') return sendStep(reply, view);
    const csrf = SessionService.csrfToken(active);
    const page = companyChooserPage(pageUi(request), {
      csrf,
      flow: view.flowId,
      appName: view.appName,
      companies: view.companies,
      signedInAs: view.signedInAs,
    });
    return sendPage(reply, 200, page, formTargetOf(view.redirectUri));
  });

  app.post('/authorize/company', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    if (form.get('account') === 'switch') {
      const switched = await deps.flows.switchAccount(active, form.get('flow'));
      if (switched.active) setSessionCookie(deps, reply, switched.active);
      return sendStep(reply, switched.step);
    }
    return sendStep(reply, await deps.flows.chooseCompany(active, form.get('flow'), form.get('company_id')));
  });

  app.get('/authorize/consent', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const view = await deps.flows.consentView(active, queryParams(request).get('flow'));
    if (view.kind !== 'consent-page') return sendStep(reply, view);
    const { app: client, company, user } = view;
    const ui = pageUi(request);
    const scopes = describeScopes(view.scopes, deps.scopeCatalog, ui.t);
    const csrf = SessionService.csrfToken(active);
    const page = consentPage(ui, { csrf, flow: view.flowId, app: client, company, user, scopes });
    return sendPage(reply, 200, page, formTargetOf(view.redirectUri));
  });

  app.post('/authorize/consent', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    return sendStep(reply, await deps.flows.decide(active, form.get('flow'), form.get('decision')));
  });
}

/**
 * The interactive authorization flow over HTTP: GET and POST /oauth2/authorize (and
 * /oauth/authorize, the PERSCOM path), sign-in and sign-out, the company chooser, consent, and
 * the page that shows a company-grant GUID when the app has no redirect URI. Each route parses,
 * asks the flow (authorization/flow.ts) and answers its step; no rule of the flow lives here.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 */
export function authorizeRoutes(app: FastifyInstance, deps: AuthorizeDeps, paths: string[]): void {
  for (const path of paths) {
    app.get(path, (request, reply) => authorize(deps, request, reply));
    app.post(path, (request, reply) => authorize(deps, request, reply));
  }
  app.get('/authorize/continue', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    return sendStep(reply, await deps.flows.advance(active, queryParams(request).get('flow')));
  });
  signInRoutes(app, deps);
  choiceRoutes(app, deps);
  app.get('/authorize/granted', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const view = await deps.flows.grantShown(active, queryParams(request).get('flow') ?? '');
    if (view.kind !== 'grant-page') return sendStep(reply, view);
    const { appName, company, grant } = view;
    return sendPage(reply, 200, grantGuidPage(pageUi(request), { appName, company, grant }));
  });
}
