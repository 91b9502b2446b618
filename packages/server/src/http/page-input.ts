import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ActiveSession, SessionService } from '../authorization/session-service.ts';
import { OAuthError } from '../oauth/errors.ts';
import { Params } from '../oauth/params.ts';
import { sendErrorPage } from './page-reply.ts';
import { isForm } from './routes/token.ts';
import { currentSession, type SessionCookies } from './session-cookie.ts';

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

/**
 * A POSTed page form whose CSRF token matches the session, or undefined once a 403 page has
 * been sent (no session, not a form, or a token that does not match).
 */
export async function postedForm(
  kit: SessionCookies,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ form: Params; active: ActiveSession } | undefined> {
  const form = pageForm(request);
  const active = await currentSession(kit, request);
  if (!form || !active || !SessionService.csrfValid(active, form.get('csrf_token'))) {
    await sendErrorPage(reply, 403, {
      title: { key: 'session.expired_title' },
      message: { key: 'session.expired' },
      code: 'invalid_csrf_token',
    });
    return undefined;
  }
  return { form, active };
}
