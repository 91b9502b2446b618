import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ActiveSession, SESSION_TTL_MS, type SessionService } from '../authorization/session-service.ts';

/** Cookie name: the `__Host-` prefix (Secure, host-only, path /) whenever we run on https. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-gatehouse_session' : 'gatehouse_session';
}

/** What reading and writing the browser-session cookie needs. */
export interface SessionCookies {
  sessions: SessionService;
  secure: boolean;
}

export async function currentSession(
  kit: SessionCookies,
  request: FastifyRequest,
): Promise<ActiveSession | undefined> {
  return kit.sessions.load(request.cookies[sessionCookieName(kit.secure)]);
}

export function setSessionCookie(kit: SessionCookies, reply: FastifyReply, active: ActiveSession): void {
  reply.setCookie(sessionCookieName(kit.secure), active.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: kit.secure,
    path: '/',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function clearSessionCookie(kit: SessionCookies, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName(kit.secure), {
    path: '/',
    secure: kit.secure,
    httpOnly: true,
    sameSite: 'lax',
  });
}

/** The current session, or a new anonymous one (whose cookie is set on this reply). */
export async function ensureSession(kit: SessionCookies, request: FastifyRequest, reply: FastifyReply) {
  const existing = await currentSession(kit, request);
  if (existing) return existing;
  const created = await kit.sessions.startAnonymous();
  setSessionCookie(kit, reply, created);
  return created;
}
