import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SessionService } from '../../authorization/session-service.ts';
import type { Text } from '../../i18n/translator.ts';
import {
  forgotPasswordPage,
  passwordChangedPage,
  resetClosedPage,
  resetLinkSentPage,
  resetPasswordPage,
} from '../../pages/password-reset.ts';
import type { EmailLinkView } from '../../users/email-links.ts';
import { PASSWORD_RESET_PATH, type PasswordResetService } from '../../users/password-reset-service.ts';
import { postedForm, queryParams } from '../page-input.ts';
import { seeOther, sendErrorPage, sendPage } from '../page-reply.ts';
import { pageUi } from '../page-ui.ts';
import { ensureSession, type SessionCookies, setSessionCookie } from '../session-cookie.ts';

export interface PasswordResetDeps extends SessionCookies {
  resets: PasswordResetService;
  /** GATEHOUSE_LOCAL_PASSWORDS: with passwords off there is nothing to reset. */
  localPasswords: boolean;
}

type TokenReq = FastifyRequest<{ Params: { token: string } }>;

/** A flow id as a query string, when it looks like one (it is checked when the flow goes on). */
const flowOf = (value: string | undefined) => (value && value.length <= 100 ? value : undefined);

function passwordsOff(reply: FastifyReply) {
  return sendErrorPage(reply, 403, {
    title: { key: 'sign_in.passwords_off_title' },
    message: { key: 'sign_in.passwords_off' },
    code: 'local_passwords_off',
  });
}

/** Used and expired links are gone for good (410); one never issued, or no longer usable, is 404. */
function sendClosed(reply: FastifyReply, kind: Exclude<EmailLinkView['kind'], 'valid'>) {
  return sendPage(reply, kind === 'unknown' ? 404 : 410, resetClosedPage(pageUi(reply.request), kind));
}

/**
 * "Forgot your password?" (docs/sign-in.md, "Password reset"): GET and POST /password-reset
 * ask for a link, one answer for every address (303 to /password-reset/sent); GET and POST
 * /password-reset/:token set the new password from the mailed link, sign the person in on a
 * fresh session and go on with the pending authorization request, if the link carries one.
 * Forms are CSRF-bound to the browser's session like the sign-in page's.
 */
export function passwordResetRoutes(app: FastifyInstance, deps: PasswordResetDeps): void {
  app.get('/password-reset', async (request, reply) => {
    if (!deps.localPasswords) return passwordsOff(reply);
    const active = await ensureSession(deps, request, reply);
    const flow = flowOf(queryParams(request).get('flow'));
    return sendPage(
      reply,
      200,
      forgotPasswordPage(pageUi(request), {
        csrf: SessionService.csrfToken(active),
        ...(flow ? { flow } : {}),
      }),
    );
  });

  app.post('/password-reset', async (request, reply) => {
    if (!deps.localPasswords) return passwordsOff(reply);
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const outcome = await deps.resets.request(
      posted.form.get('email') ?? '',
      request.ip,
      flowOf(posted.form.get('flow')),
    );
    if (outcome.kind === 'throttled') {
      request.log.warn({ event: 'password_reset_throttled' }, 'password-reset request refused');
      reply.header('Retry-After', String(outcome.retryAfter));
      return sendPage(reply, 429, resetClosedPage(pageUi(request), 'throttled'));
    }
    return seeOther(reply, '/password-reset/sent');
  });

  app.get('/password-reset/sent', async (request, reply) =>
    sendPage(reply, 200, resetLinkSentPage(pageUi(request))),
  );
  app.get('/password-reset/done', async (request, reply) =>
    sendPage(reply, 200, passwordChangedPage(pageUi(request))),
  );

  app.get(`${PASSWORD_RESET_PATH}:token`, async (request: TokenReq, reply) => {
    if (!deps.localPasswords) return passwordsOff(reply);
    const view = await deps.resets.view(request.params.token);
    if (view.kind !== 'valid') return sendClosed(reply, view.kind);
    const active = await ensureSession(deps, request, reply);
    const flow = flowOf(queryParams(request).get('flow'));
    return sendPage(
      reply,
      200,
      resetPasswordPage(pageUi(request), {
        csrf: SessionService.csrfToken(active),
        action: `${PASSWORD_RESET_PATH}${encodeURIComponent(request.params.token)}`,
        user: view.user,
        ...(flow ? { flow } : {}),
      }),
    );
  });

  app.post(`${PASSWORD_RESET_PATH}:token`, async (request: TokenReq, reply) => {
    if (!deps.localPasswords) return passwordsOff(reply);
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const { token } = request.params;
    const flow = flowOf(posted.form.get('flow'));
    const password = posted.form.get('password') ?? '';
    const again = (view: Extract<EmailLinkView, { kind: 'valid' }>, error: Text) =>
      sendPage(
        reply,
        400,
        resetPasswordPage(pageUi(request), {
          csrf: SessionService.csrfToken(posted.active),
          action: `${PASSWORD_RESET_PATH}${encodeURIComponent(token)}`,
          user: view.user,
          ...(flow ? { flow } : {}),
          error,
        }),
      );
    if (password !== (posted.form.get('password_confirm') ?? '')) {
      const view = await deps.resets.view(token);
      if (view.kind !== 'valid') return sendClosed(reply, view.kind);
      return again(view, { key: 'password_reset.mismatch' });
    }
    const outcome = await deps.resets.complete(token, password, request.ip);
    switch (outcome.kind) {
      case 'reset': {
        const active = await deps.sessions.signIn(posted.active, outcome.user.id);
        setSessionCookie(deps, reply, active);
        request.log.info({ event: 'password_reset', user: outcome.user.id }, 'password reset');
        return seeOther(
          reply,
          flow ? `/authorize/continue?flow=${encodeURIComponent(flow)}` : '/password-reset/done',
        );
      }
      case 'invalid-password':
        return again(outcome.view, { key: 'password_reset.password_length' });
      case 'throttled':
        reply.header('Retry-After', String(outcome.retryAfter));
        return sendPage(reply, 429, resetClosedPage(pageUi(request), 'throttled'));
      default:
        return sendClosed(reply, outcome.kind);
    }
  });
}
