import type { FastifyInstance, FastifyReply } from 'fastify';
import type { LoginDelegation } from '../../authorization/login-delegation.ts';
import type { SignInFailure } from '../../authorization/sign-in-failure.ts';
import { safeReturnTo } from '../../console/return-to.ts';
import { AccessDenied, LoginRequired } from '../../oauth/errors.ts';
import { queryParams } from '../page-input.ts';
import { seeOther, sendErrorPage } from '../page-reply.ts';
import { ensureSession, type SessionCookies, setSessionCookie } from '../session-cookie.ts';
import type { AuthorizeDeps } from './authorize.ts';
import { sendStep } from './authorize.ts';

export interface LoginDelegationDeps extends SessionCookies {
  delegation: LoginDelegation;
  flows: AuthorizeDeps['flows'];
}

const sendFailure = (reply: FastifyReply, f: SignInFailure) =>
  sendErrorPage(reply, f.status, { title: f.title, message: f.message, code: f.code });

/**
 * Login delegation over HTTP (docs/sign-in.md): `/login/delegate?flow=…` (the login page's
 * "Sign in with NAME", or where the login page sends the browser when delegation is the only
 * way in) starts a login request and sends the browser to GATEHOUSE_LOGIN_URL with its
 * `login_challenge`; the login application answers through the operator API and sends the
 * browser to `/login/delegated?login_verifier=…`, which signs this browser in (a fresh
 * session id, the pending flows carried over) or ends the flow with the application's error.
 */
export function loginDelegationRoutes(app: FastifyInstance, deps: LoginDelegationDeps): void {
  app.get('/login/delegate', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const q = queryParams(request);
    const started = await deps.delegation.begin(
      active.session.idHash,
      active.session.userId,
      q.get('flow'),
      safeReturnTo(q.get('return_to')),
    );
    if (started.kind === 'failed') return sendFailure(reply, started);
    return seeOther(reply, started.url);
  });

  app.get('/login/delegated', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const finished = await deps.delegation.finish(
      queryParams(request).get('login_verifier'),
      active.session.idHash,
    );
    if (finished.kind === 'failed') {
      request.log.info(
        { event: 'delegated_sign_in_failed', code: finished.code },
        'delegated sign-in failed',
      );
      return sendFailure(reply, finished);
    }
    if (finished.kind === 'rejected') {
      const err =
        finished.error === 'login_required'
          ? new LoginRequired(finished.description)
          : new AccessDenied(finished.description);
      if (finished.flowId) return sendStep(reply, await deps.flows.refuse(active, finished.flowId, err));
      return sendErrorPage(reply, 403, {
        title: { key: 'delegation.rejected_title' },
        message: { key: 'delegation.rejected' },
        // The login application's own words: shown as they are, apart from the message.
        detail: finished.description,
        code: finished.error,
      });
    }
    const signedIn = await deps.sessions.signIn(active, finished.userId);
    setSessionCookie(deps, reply, signedIn);
    const flow = finished.flowId;
    return seeOther(
      reply,
      flow ? `/authorize/continue?flow=${encodeURIComponent(flow)}` : (finished.returnTo ?? '/login'),
    );
  });
}
