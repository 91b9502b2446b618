import type { FastifyReply } from 'fastify';
import { sendPage } from '../http/page-reply.ts';
import { pageUi } from '../http/page-ui.ts';
import type { MessageKey } from '../i18n/catalogs.ts';
import type { Text } from '../i18n/translator.ts';
import type { ConsoleContext } from './context.ts';
import { errorPage } from './pages/message.ts';

/** A console error page with the status it answers, in the request's locale. */
export function sendConsoleError(reply: FastifyReply, status: number, title: MessageKey, message: Text) {
  const ui = pageUi(reply.request);
  return sendPage(reply, status, errorPage(ui, ui.t.t(title), ui.t.text(message)));
}

/** The page members get when they try what only admins may do. */
export function adminOnly(reply: FastifyReply, ctx: ConsoleContext) {
  const { t } = ctx.ui;
  return sendPage(
    reply,
    403,
    errorPage(
      ctx.ui,
      t.t('console.error.admin_only_title'),
      t.t('console.error.admin_only', { company: ctx.company.name }),
      ctx,
    ),
  );
}

/** A form whose CSRF token does not match the session (expired, or posted from elsewhere). */
export function csrfFailed(reply: FastifyReply) {
  return sendConsoleError(reply, 403, 'session.expired_title', { key: 'session.expired' });
}
