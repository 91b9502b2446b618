import type { FastifyInstance, FastifyRequest } from 'fastify';
import { emailVerifiedPage, verificationClosedPage } from '../../pages/email-verification.ts';
import type { EmailVerificationService } from '../../users/email-verification-service.ts';
import { VERIFICATION_PATH } from '../../users/email-verification-service.ts';
import { postedForm } from '../page-input.ts';
import { seeOther, sendPage } from '../page-reply.ts';
import { pageUi } from '../page-ui.ts';
import type { SessionCookies } from '../session-cookie.ts';

export interface EmailVerificationDeps extends SessionCookies {
  verification: EmailVerificationService;
}

/**
 * GET /verify-email/:token: the mailed link confirms the address (no sign-in needed: the
 * link reaching the mailbox is the proof). POST /verify-email: the signed-in person asks for
 * the link again (CSRF-bound; throttled per user), then sees /login's signed-in page.
 */
export function emailVerificationRoutes(app: FastifyInstance, deps: EmailVerificationDeps): void {
  app.get(
    `${VERIFICATION_PATH}:token`,
    async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
      const outcome = await deps.verification.verify(request.params.token);
      if (outcome.kind === 'verified') {
        request.log.info({ event: 'email_verified', user: outcome.user.id }, 'e-mail address verified');
        return sendPage(reply, 200, emailVerifiedPage(pageUi(request), outcome.user.email));
      }
      return sendPage(
        reply,
        outcome.kind === 'unknown' ? 404 : 410,
        verificationClosedPage(pageUi(request), outcome.kind),
      );
    },
  );

  app.post('/verify-email', async (request, reply) => {
    const posted = await postedForm(deps, request, reply);
    if (!posted) return reply;
    const user = await deps.sessions.user(posted.active);
    if (!user) return seeOther(reply, '/login');
    const outcome = await deps.verification.resend(user);
    return seeOther(reply, `/login?verification=${outcome.kind === 'throttled' ? 'throttled' : 'sent'}`);
  });
}
