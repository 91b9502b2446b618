import type { FastifyReply } from 'fastify';
import { sendPage } from '../http/page-reply.ts';
import type { ConsoleContext } from './context.ts';
import { errorPage } from './pages/message.ts';

/** A console error page with the status it answers. */
export function sendConsoleError(reply: FastifyReply, status: number, title: string, message: string) {
  return sendPage(reply, status, errorPage(title, message));
}

/** The page members get when they try what only admins may do. */
export function adminOnly(reply: FastifyReply, ctx: ConsoleContext) {
  return sendPage(
    reply,
    403,
    errorPage(
      'Only administrators can do this',
      `You are a member of ${ctx.company.name}. Ask one of its administrators to make this change.`,
      ctx,
    ),
  );
}

/** A form whose CSRF token does not match the session (expired, or posted from elsewhere). */
export function csrfFailed(reply: FastifyReply) {
  return sendConsoleError(
    reply,
    403,
    'Your session has expired',
    'The form could not be verified. Reload the page and try again.',
  );
}
