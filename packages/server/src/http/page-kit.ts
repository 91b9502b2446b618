import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ActiveSession, SESSION_TTL_MS, type SessionService } from '../authorization/session-service.ts';
import { OAuthError } from '../oauth/errors.ts';
import { Params } from '../oauth/params.ts';
import { pageCsp } from '../pages/layout.ts';
import { errorPage } from '../pages/result-pages.ts';
import { isForm } from './routes/token.ts';

/** Cookie name: the `__Host-` prefix (Secure, host-only, path /) whenever we run on https. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-gatehouse_session' : 'gatehouse_session';
}

export interface PageKit {
  sessions: SessionService;
  secure: boolean;
}

export function sendPage(reply: FastifyReply, status: number, body: string, formTargets: string[] = []) {
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('Content-Security-Policy', pageCsp(formTargets))
    .header('Cache-Control', 'no-store')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY');
  return reply.send(body);
}

export function sendErrorPage(
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  code?: string,
) {
  return sendPage(reply, status, errorPage({ title, message, ...(code ? { code } : {}) }));
}

/** 303 See Other: after a POST the browser follows with GET, never re-posting the form. */
export function seeOther(reply: FastifyReply, location: string) {
  return reply.code(303).header('Location', location).header('Cache-Control', 'no-store').send();
}

export async function currentSession(
  kit: PageKit,
  request: FastifyRequest,
): Promise<ActiveSession | undefined> {
  return kit.sessions.load(request.cookies[sessionCookieName(kit.secure)]);
}

export function setSessionCookie(kit: PageKit, reply: FastifyReply, active: ActiveSession): void {
  reply.setCookie(sessionCookieName(kit.secure), active.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: kit.secure,
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(kit: PageKit, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(kit.secure), {
    path: '/',
    secure: kit.secure,
    httpOnly: true,
    sameSite: 'lax',
  });
}

/** The current session, or a new anonymous one (whose cookie is set on this reply). */
export async function ensureSession(kit: PageKit, request: FastifyRequest, reply: FastifyReply) {
  const existing = await currentSession(kit, request);
  if (existing) return existing;
  const created = await kit.sessions.startAnonymous();
  setSessionCookie(kit, reply, created);
  return created;
}

/** Query parameters from the raw URL, so that repeated parameters are seen (and refused). */
export function queryParams(request: FastifyRequest): Params {
  return Params.fromEntries(new URL(request.raw.url ?? '/', 'http://localhost').searchParams);
}

/** A page form: form-urlencoded only, parsed by URLSearchParams through Params. */
export function pageForm(request: FastifyRequest): Params | undefined {
  if (!isForm(request.headers['content-type'])) return undefined;
  try {
    return Params.fromForm(typeof request.body === 'string' ? request.body : '');
  } catch (err) {
    if (err instanceof OAuthError) return undefined;
    throw err;
  }
}

/** What CSP form-action must allow for a flow whose forms end in a redirect to `uri`. */
export function formTargetOf(uri: string | null): string[] {
  if (uri === null) return [];
  try {
    const u = new URL(uri);
    return [u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : u.protocol];
  } catch {
    return [];
  }
}
