import type { FastifyReply, FastifyRequest } from 'fastify';
import { SessionService } from '../authorization/session-service.ts';
import { seeOther } from '../http/page-reply.ts';
import { pageUi } from '../http/page-ui.ts';
import { isForm } from '../http/routes/token.ts';
import { currentSession } from '../http/session-cookie.ts';
import { type ConsoleContext, type ConsoleDeps, companyBase } from './context.ts';
import { csrfFailed, sendConsoleError } from './error-pages.ts';

/*
 * The console's guards: each gives the route what it needs (the signed-in user, the company
 * context, a verified form) or answers for it (to the sign-in page, a 404, a 403) and gives
 * undefined, after which the route only returns.
 */

export function loginRedirect(reply: FastifyReply, returnTo: string) {
  return seeOther(reply, `/login?return_to=${encodeURIComponent(returnTo)}`);
}

/** The signed-in user, or undefined after sending them to sign in. */
export async function signedIn(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply) {
  const active = await currentSession(deps, request);
  const user = active?.session.userId ? await deps.gh.users.get(active.session.userId) : undefined;
  // A disabled user's sessions are ended when they are disabled; this covers a sign-in that
  // was already under way at that moment.
  if (!active || !user || user.disabledAt !== null) {
    const path = (request.raw.url ?? '/console').split('?', 1)[0] ?? '/console';
    await loginRedirect(reply, request.method === 'GET' ? path : '/console');
    return undefined;
  }
  return { active, user };
}

/**
 * Loads the console context for `/console/c/:companyId/...`: signed in (else to the login
 * page), a member of the company (else 404, which says nothing about other tenants).
 */
export async function consoleContext(
  deps: ConsoleDeps,
  request: FastifyRequest<{ Params: { companyId: string } }>,
  reply: FastifyReply,
): Promise<ConsoleContext | undefined> {
  const who = await signedIn(deps, request, reply);
  if (!who) return undefined;
  const companies = await deps.gh.users.companies(who.user.id);
  const mine = companies.find((c) => c.company.id === request.params.companyId);
  if (!mine) {
    await sendConsoleError(reply, 404, 'console.error.not_found_title', {
      key: 'console.error.no_such_company',
    });
    return undefined;
  }
  return {
    ...who,
    company: mine.company,
    role: mine.role,
    isAdmin: mine.role === 'admin',
    companies,
    csrf: SessionService.csrfToken(who.active),
    base: companyBase(mine.company.id),
    actor: `user:${who.user.id}`,
    ui: pageUi(request),
  };
}

/** A form-urlencoded form posted to a console page, with its CSRF token checked against the session. */
export async function consoleForm(
  ctx: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<URLSearchParams | undefined> {
  // Console forms repeat fields (checkboxes), so they are read with URLSearchParams itself.
  const form =
    isForm(request.headers['content-type']) && typeof request.body === 'string'
      ? new URLSearchParams(request.body)
      : undefined;
  if (!form || !SessionService.csrfValid(ctx.active, form.get('csrf_token') ?? undefined)) {
    await csrfFailed(reply);
    return undefined;
  }
  return form;
}
