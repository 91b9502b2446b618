import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SessionService } from '../../authorization/session-service.ts';
import type { InvitationService, InvitationView } from '../../companies/invitation-service.ts';
import { invitationPath } from '../../companies/invitation-service.ts';
import type { Text } from '../../i18n/translator.ts';
import { invitationClosedPage, invitationPage } from '../../pages/invitation.ts';
import { postedForm } from '../page-input.ts';
import { seeOther, sendPage } from '../page-reply.ts';
import { pageUi } from '../page-ui.ts';
import { ensureSession, type SessionCookies, setSessionCookie } from '../session-cookie.ts';

export interface InvitationDeps extends SessionCookies {
  invitations: InvitationService;
}

type TokenReq = FastifyRequest<{ Params: { token: string } }>;

/** Used and expired links are gone for good (410); one never issued is 404. */
function sendClosed(reply: FastifyReply, kind: Exclude<InvitationView['kind'], 'valid'>) {
  return sendPage(reply, kind === 'unknown' ? 404 : 410, invitationClosedPage(pageUi(reply.request), kind));
}

/**
 * GET and POST /invitations/:token: the invitee, not signed in yet, sets their password and is
 * signed in. The form is bound to the browser like the sign-in page's: GET starts an anonymous
 * session (HttpOnly, SameSite=Lax cookie) and the form carries that session's CSRF token, so a
 * page elsewhere can neither post it nor sign a visitor in to someone else's account.
 */
export function invitationRoutes(app: FastifyInstance, deps: InvitationDeps): void {
  app.get('/invitations/:token', async (request: TokenReq, reply) => {
    const view = await deps.invitations.view(request.params.token);
    if (view.kind !== 'valid') return sendClosed(reply, view.kind);
    const active = await ensureSession(deps, request, reply);
    const csrf = SessionService.csrfToken(active);
    const action = invitationPath(request.params.token);
    return sendPage(
      reply,
      200,
      invitationPage(pageUi(request), { csrf, action, user: view.user, company: view.company }),
    );
  });

  app.post('/invitations/:token', async (request: TokenReq, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { token } = request.params;
    const password = posted.form.get('password') ?? '';
    const again = (view: Extract<InvitationView, { kind: 'valid' }>, error: Text, status: number) =>
      sendPage(
        reply,
        status,
        invitationPage(pageUi(request), {
          csrf: SessionService.csrfToken(posted.active),
          action: invitationPath(token),
          user: view.user,
          company: view.company,
          error,
        }),
      );
    if (password !== (posted.form.get('password_confirm') ?? '')) {
      const view = await deps.invitations.view(token);
      if (view.kind !== 'valid') return sendClosed(reply, view.kind);
      return again(view, { key: 'invitation.mismatch' }, 400);
    }
    const outcome = await deps.invitations.accept(token, password, request.ip);
    switch (outcome.kind) {
      case 'accepted': {
        const active = await deps.sessions.signIn(posted.active, outcome.user.id);
        setSessionCookie(deps, reply, active);
        request.log.info({ event: 'invitation_accepted', user: outcome.user.id }, 'invitation accepted');
        return seeOther(reply, '/console');
      }
      case 'invalid-password':
        return again(
          outcome.view,
          { key: 'invitation.password_length', vars: { min: '12', max: '1024' } },
          400,
        );
      case 'throttled':
        reply.header('Retry-After', String(outcome.retryAfter));
        return sendPage(reply, 429, invitationClosedPage(pageUi(request), 'throttled'));
      default:
        return sendClosed(reply, outcome.kind);
    }
  });
}
