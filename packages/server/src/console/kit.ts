import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ActiveSession, SessionService } from '../authorization/session-service.ts';
import type { Gatehouse } from '../gatehouse.ts';
import { seeOther, sendPage } from '../http/page-reply.ts';
import { isForm } from '../http/routes/token.ts';
import { currentSession, type SessionCookies } from '../http/session-cookie.ts';
import type { Company, Role, User } from '../storage/types.ts';
import { errorPage } from './pages/message.ts';

export interface ConsoleDeps extends SessionCookies {
  gh: Gatehouse;
}

/** Who is looking at which company: loaded for every console page. */
export interface ConsoleContext {
  active: ActiveSession;
  user: User;
  company: Company;
  role: Role;
  isAdmin: boolean;
  /** Every company the user belongs to, for the switcher. */
  companies: { company: Company; role: Role }[];
  csrf: string;
  /** `/console/c/<company id>`: every page of this company lives under it. */
  base: string;
  /** The audit actor for changes made here. */
  actor: string;
}

export const companyBase = (companyId: string) => `/console/c/${encodeURIComponent(companyId)}`;

export function loginRedirect(reply: FastifyReply, returnTo: string) {
  return seeOther(reply, `/login?return_to=${encodeURIComponent(returnTo)}`);
}

export async function userCompanies(gh: Gatehouse, userId: string) {
  const out: { company: Company; role: Role }[] = [];
  for (const m of await gh.storage.listMembershipsOfUser(userId)) {
    const company = await gh.storage.getCompany(m.companyId);
    if (company) out.push({ company, role: m.role });
  }
  return out;
}

/** The signed-in user, or undefined after sending them to sign in. */
export async function signedIn(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply) {
  const active = await currentSession(deps, request);
  const user = active?.session.userId ? await deps.gh.storage.getUser(active.session.userId) : undefined;
  if (!active || !user) {
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
  const companies = await userCompanies(deps.gh, who.user.id);
  const mine = companies.find((c) => c.company.id === request.params.companyId);
  if (!mine) {
    await sendConsoleError(reply, 404, 'Not found', 'There is no such company in your account.');
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
  };
}

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

export function csrfFailed(reply: FastifyReply) {
  return sendConsoleError(
    reply,
    403,
    'Your session has expired',
    'The form could not be verified. Reload the page and try again.',
  );
}

export function formatTime(d: Date | null): string {
  if (d === null) return 'Never';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
