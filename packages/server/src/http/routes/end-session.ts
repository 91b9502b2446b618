import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LogoutStep, RpInitiatedLogout } from '../../authorization/logout.ts';
import { SessionService } from '../../authorization/session-service.ts';
import type { Params } from '../../oauth/params.ts';
import { signedOutPage } from '../../pages/login.ts';
import { logoutConfirmPage } from '../../pages/logout.ts';
import { pageForm, postedForm, queryParams } from '../page-input.ts';
import { formTargetOf, seeOther, sendPage } from '../page-reply.ts';
import { pageUi } from '../page-ui.ts';
import { clearSessionCookie, currentSession, type SessionCookies } from '../session-cookie.ts';

export interface EndSessionDeps extends SessionCookies {
  logout: RpInitiatedLogout;
}

/** The end-session endpoint's path (discovery's `end_session_endpoint`). */
export const END_SESSION_PATH = '/oauth2/logout';

const PARAMS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state'] as const;

function logoutRequest(p: Params) {
  return {
    idTokenHint: p.get('id_token_hint'),
    clientId: p.get('client_id'),
    postLogoutRedirectUri: p.get('post_logout_redirect_uri'),
    state: p.get('state'),
  };
}

/**
 * The end-session endpoint (OIDC RP-Initiated Logout 1.0): GET with the parameters in the
 * query; a POSTed form is answered with a 303 to the GET, because the session cookie
 * (SameSite=Lax) comes along on a cross-site top-level GET but not on a cross-site POST.
 * The confirm page's form POSTs to /oauth2/logout/confirm with the session's CSRF token.
 *
 * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
 */
export function endSessionRoutes(app: FastifyInstance, deps: EndSessionDeps): void {
  const answer = async (request: FastifyRequest, reply: FastifyReply, step: LogoutStep, ended: boolean) => {
    if (step.kind === 'confirm') {
      const active = await currentSession(deps, request);
      if (!active) return seeOther(reply, '/logout');
      const user = await deps.sessions.user(active);
      const page = logoutConfirmPage(pageUi(request), {
        csrf: SessionService.csrfToken(active),
        appName: step.appName,
        email: user?.email ?? null,
        carry: step.carry,
      });
      return sendPage(reply, 200, page, formTargetOf(step.carry.postLogoutRedirectUri));
    }
    if (ended) clearSessionCookie(deps, reply);
    if (step.kind === 'redirect') return seeOther(reply, step.location);
    return sendPage(reply, 200, signedOutPage(pageUi(request)));
  };

  app.get(END_SESSION_PATH, async (request, reply) => {
    const active = await currentSession(deps, request);
    const step = await deps.logout.start(active, logoutRequest(queryParams(request)));
    return answer(request, reply, step, active !== undefined);
  });

  app.post(END_SESSION_PATH, async (request, reply) => {
    const form = pageForm(request);
    const query = new URLSearchParams();
    if (form)
      for (const name of PARAMS) {
        const value = form.get(name);
        if (value !== undefined) query.set(name, value);
      }
    const q = query.toString();
    return seeOther(reply, q ? `${END_SESSION_PATH}?${q}` : END_SESSION_PATH);
  });

  app.post(`${END_SESSION_PATH}/confirm`, async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const step = await deps.logout.confirm(posted.active, {
      clientId: posted.form.get('client_id') ?? null,
      postLogoutRedirectUri: posted.form.get('post_logout_redirect_uri') ?? null,
      state: posted.form.get('state') ?? null,
    });
    clearSessionCookie(deps, reply);
    return seeOther(reply, step.kind === 'redirect' ? step.location : '/logout');
  });
}
