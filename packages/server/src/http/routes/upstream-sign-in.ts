import type { FastifyInstance, FastifyReply } from 'fastify';
import type { UpstreamFailure, UpstreamSignIn } from '../../authorization/upstream-sign-in.ts';
import { safeReturnTo } from '../../console/return-to.ts';
import { queryParams } from '../page-input.ts';
import { seeOther, sendErrorPage } from '../page-reply.ts';
import { ensureSession, type SessionCookies, setSessionCookie } from '../session-cookie.ts';

export interface UpstreamSignInDeps extends SessionCookies {
  upstreams: UpstreamSignIn;
}

/** Seconds a browser is asked to wait before trying an upstream that is not answering again. */
const RETRY_AFTER_SECONDS = 30;

function sendFailure(reply: FastifyReply, failure: UpstreamFailure) {
  if (failure.status === 503) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return sendErrorPage(reply, failure.status, failure);
}

/**
 * Sign-in through an upstream OpenID Connect provider (docs/sign-in.md): the login page's
 * "Sign in with NAME" link starts it (`/login/upstream/{id}?flow=…`: a 303 to the upstream),
 * and the upstream sends the browser back to `/login/upstream/{id}/callback`. A good answer
 * signs the session in (a fresh session id, the pending flows carried over) and the flow goes
 * on as after a password; anything else is a page that says what went wrong.
 */
export function upstreamSignInRoutes(app: FastifyInstance, deps: UpstreamSignInDeps): void {
  app.get<{ Params: { id: string } }>('/login/upstream/:id', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const q = queryParams(request);
    const returnTo = safeReturnTo(q.get('return_to'));
    const started = await deps.upstreams.begin(
      request.params.id,
      active.session.idHash,
      q.get('flow'),
      returnTo,
    );
    if (started.kind === 'failed') return sendFailure(reply, started);
    return seeOther(reply, started.url);
  });

  app.get<{ Params: { id: string } }>('/login/upstream/:id/callback', async (request, reply) => {
    const active = await ensureSession(deps, request, reply);
    const query = new URL(request.raw.url ?? '/', 'http://localhost').searchParams;
    const finished = await deps.upstreams.finish(request.params.id, active.session.idHash, query);
    if (finished.kind === 'failed') {
      request.log.info({ event: 'upstream_sign_in_failed', code: finished.code }, 'upstream sign-in failed');
      return sendFailure(reply, finished);
    }
    const signedIn = await deps.sessions.signIn(active, finished.userId);
    setSessionCookie(deps, reply, signedIn);
    const flow = finished.flowId;
    return seeOther(
      reply,
      flow ? `/authorize/continue?flow=${encodeURIComponent(flow)}` : (finished.returnTo ?? '/login'),
    );
  });
}
