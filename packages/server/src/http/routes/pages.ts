import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationService } from '../../authorization/authorization-service.ts';
import type { PasswordSignIn, SignInOutcome } from '../../authorization/password-sign-in.ts';
import { type ActiveSession, SessionService } from '../../authorization/session-service.ts';
import { safeReturnTo } from '../../console/return-to.ts';
import { AccessDenied } from '../../oauth/errors.ts';
import type { Params } from '../../oauth/params.ts';
import { catalogScopes, type ScopeCatalog } from '../../oauth/scopes/catalog.ts';
import { companyChooserPage } from '../../pages/company-chooser.ts';
import { consentPage, describeScopes } from '../../pages/consent.ts';
import { html } from '../../pages/html.ts';
import { layout } from '../../pages/layout.ts';
import { loginPage, signedOutPage } from '../../pages/login.ts';
import {
  clearSessionCookie,
  currentSession,
  ensureSession,
  formTargetOf,
  pageForm,
  queryParams,
  seeOther,
  sendErrorPage,
  sendPage,
  setSessionCookie,
} from '../page-kit.ts';
import { type AuthorizeDeps, abort, advanceFlow, finishFlow } from './authorize.ts';

const ASSETS = new URL('../../pages/assets/', import.meta.url);
const CSS = readFileSync(new URL('gatehouse.css', ASSETS), 'utf8');
const COPY_JS = readFileSync(new URL('copy.js', ASSETS), 'utf8');

export interface PageDeps extends AuthorizeDeps {
  scopeCatalog: ScopeCatalog;
  passwordSignIn: PasswordSignIn;
}

const flowQuery = (id: string) => `flow=${encodeURIComponent(id)}`;

/** Reads a POSTed page form and checks its CSRF token against the session. */
async function postedForm(
  deps: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ form: Params; active: ActiveSession } | undefined> {
  const form = pageForm(request);
  const active = await currentSession(deps, request);
  if (!form || !active || !SessionService.csrfValid(active, form.get('csrf_token'))) {
    await sendErrorPage(
      reply,
      403,
      'Your session has expired',
      'The form could not be verified. Reload the page and try again.',
      'invalid_csrf_token',
    );
    return undefined;
  }
  return { form, active };
}

/** The flow's pieces a page needs, or undefined when the flow is gone. */
async function loadFlow(deps: PageDeps, active: ActiveSession, flowId: string | undefined) {
  if (flowId === undefined) return undefined;
  const flow = await deps.storage.getAuthorizationFlow(flowId, active.session.idHash);
  if (!flow || flow.grantGuid !== null) return undefined;
  const req = AuthorizationService.request(flow);
  const app = await deps.ctx.apps.findByClientId(req.clientId);
  return app && { flow, req, app };
}

/** What the sign-in page says when an attempt was refused before its password was checked. */
function refusalMessage(outcome: Extract<SignInOutcome, { retryAfter: number }>): string {
  const wait = outcome.retryAfter;
  const after = wait < 60 ? `${wait} second${wait === 1 ? '' : 's'}` : `${Math.ceil(wait / 60)} minutes`;
  if (outcome.kind === 'busy') return `Sign-in is busy right now. Try again in ${after}.`;
  if (outcome.reason === 'in-flight') return `Too many sign-in attempts at once. Try again in ${after}.`;
  return `Too many failed sign-in attempts. Try again in ${after}.`;
}

const gone = (reply: FastifyReply) =>
  sendErrorPage(reply, 400, 'This request has expired', 'Go back to the app and start again.');

/** Sign-in, sign-out, company chooser, consent, and the static assets the pages use. */
export function pageRoutes(app: FastifyInstance, deps: PageDeps): void {
  app.get('/assets/gatehouse.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(CSS),
  );
  app.get('/assets/copy.js', async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .send(COPY_JS),
  );

  app.get('/login', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const q = queryParams(request);
    const flowId = q.get('flow');
    const loaded = await loadFlow(deps, active, flowId);
    const returnTo = loaded ? undefined : safeReturnTo(q.get('return_to'));
    if (active.session.userId !== null) {
      if (loaded) return seeOther(reply, `/authorize/continue?${flowQuery(loaded.flow.id)}`);
      if (returnTo) return seeOther(reply, returnTo);
      const user = await deps.storage.getUser(active.session.userId);
      return sendPage(
        reply,
        200,
        layout({
          title: 'Signed in',
          body: html`<h1>Signed in</h1><p class="lead">You are signed in as ${user?.email ?? ''}.</p>
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="${SessionService.csrfToken(active)}">
<button type="submit" class="secondary">Sign out</button></form>`,
        }),
      );
    }
    return sendPage(
      reply,
      200,
      loginPage({
        csrf: SessionService.csrfToken(active),
        ...(loaded ? { flow: loaded.flow.id, appName: loaded.app.name } : {}),
        ...(returnTo ? { returnTo } : {}),
        ...(q.get('error') === 'invalid' ? { error: 'The email or password is incorrect.' } : {}),
      }),
      formTargetOf(loaded?.req.redirectUri ?? null),
    );
  });

  app.post('/login', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    const flowId = form.get('flow');
    const returnTo = safeReturnTo(form.get('return_to'));
    const email = form.get('email') ?? '';
    const password = form.get('password') ?? '';
    const outcome = await deps.passwordSignIn.attempt(email, password, request.ip);
    if (outcome.kind === 'throttled' || outcome.kind === 'busy') {
      request.log.warn(
        { event: outcome.kind === 'busy' ? 'login_busy' : 'login_throttled', ...outcome },
        'sign-in refused before the password check',
      );
      reply.header('Retry-After', String(outcome.retryAfter));
      return sendPage(
        reply,
        outcome.kind === 'busy' ? 503 : 429,
        loginPage({
          csrf: SessionService.csrfToken(active),
          ...(flowId ? { flow: flowId } : {}),
          ...(returnTo ? { returnTo } : {}),
          error: refusalMessage(outcome),
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
    const next = await deps.sessions.signIn(active, outcome.user.id);
    setSessionCookie(deps, reply, next);
    return seeOther(reply, flowId ? `/authorize/continue?${flowQuery(flowId)}` : (returnTo ?? '/login'));
  });

  app.post('/logout', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    await deps.sessions.signOut(posted.active);
    clearSessionCookie(deps, reply);
    return seeOther(reply, '/logout');
  });
  app.get('/logout', async (_request, reply) => sendPage(reply, 200, signedOutPage()));

  app.get('/authorize/company', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const loaded = await loadFlow(deps, active, queryParams(request).get('flow'));
    if (!loaded) return gone(reply);
    if (active.session.userId === null) return seeOther(reply, `/login?${flowQuery(loaded.flow.id)}`);
    const companies = await deps.authorization.grantableCompanies(active.session.userId, loaded.app);
    return sendPage(
      reply,
      200,
      companyChooserPage({
        csrf: SessionService.csrfToken(active),
        flow: loaded.flow.id,
        appName: loaded.app.name,
        companies,
      }),
      formTargetOf(loaded.req.redirectUri),
    );
  });

  app.post('/authorize/company', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    const loaded = await loadFlow(deps, active, form.get('flow'));
    if (!loaded || active.session.userId === null) return gone(reply);
    const companies = await deps.authorization.grantableCompanies(active.session.userId, loaded.app);
    const chosen = form.get('company_id');
    if (chosen === undefined || !companies.some((c) => c.id === chosen))
      return seeOther(reply, `/authorize/company?${flowQuery(loaded.flow.id)}`);
    await deps.storage.setAuthorizationFlowCompany(loaded.flow.id, active.session.idHash, chosen);
    return seeOther(reply, `/authorize/continue?${flowQuery(loaded.flow.id)}`);
  });

  app.get('/authorize/consent', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const loaded = await loadFlow(deps, active, queryParams(request).get('flow'));
    if (!loaded) return gone(reply);
    const { flow, req } = loaded;
    if (active.session.userId === null || flow.companyId === null)
      return seeOther(reply, `/authorize/continue?${flowQuery(flow.id)}`);
    const [user, company] = await Promise.all([
      deps.storage.getUser(active.session.userId),
      deps.storage.getCompany(flow.companyId),
    ]);
    if (!user || !company) return gone(reply);
    return sendPage(
      reply,
      200,
      consentPage({
        csrf: SessionService.csrfToken(active),
        flow: flow.id,
        app: loaded.app,
        company,
        user,
        scopes: describeScopes(req.scopes, catalogScopes(deps.scopeCatalog)),
      }),
      formTargetOf(req.redirectUri),
    );
  });

  app.post('/authorize/consent', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { form, active } = posted;
    const loaded = await loadFlow(deps, active, form.get('flow'));
    if (!loaded || active.session.userId === null || loaded.flow.companyId === null) return gone(reply);
    const decision = form.get('decision');
    if (decision === 'grant') return finishFlow(deps, reply, active, loaded.flow.id);
    if (decision === 'deny')
      return abort(deps, reply, active, loaded.flow, new AccessDenied('the user denied access'));
    return advanceFlow(deps, reply, active, loaded.flow.id);
  });
}
