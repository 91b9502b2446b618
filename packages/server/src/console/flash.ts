import type { FastifyReply, FastifyRequest } from 'fastify';
import { openSecret, sealSecret, secretEncryptionKey } from '../keys/crypto.ts';
import type { ConsoleContext, ConsoleDeps } from './context.ts';

const COOKIE = 'gatehouse_console_secret';
const TTL_S = 300;

/** A secret waiting to be shown once, after the POST that made it redirected (303). */
export interface SecretFlash {
  kind: 'app' | 'webhook' | 'invitation' | 'initial_access_token';
  id: string;
  secret: string;
}

interface Sealed extends SecretFlash {
  session: string;
  exp: number;
}

/**
 * Carries a new secret across the 303 from the POST to the page that shows it, without
 * storing it anywhere: encrypted (A256GCM under a key derived from the server secret)
 * in an HttpOnly, SameSite=Strict cookie bound to the session, read once and cleared.
 */
export async function setSecretFlash(
  deps: ConsoleDeps,
  reply: FastifyReply,
  ctx: ConsoleContext,
  flash: SecretFlash,
) {
  const payload: Sealed = { ...flash, session: ctx.active.session.idHash, exp: Date.now() + TTL_S * 1000 };
  const sealed = await sealSecret(JSON.stringify(payload), secretEncryptionKey(deps.gh.config.serverSecret));
  reply.setCookie(COOKIE, sealed, {
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.secure,
    path: '/console',
    maxAge: TTL_S,
  });
}

/** The flashed secret for this session, kind and id; the cookie is cleared either way. */
export async function takeSecretFlash(
  deps: ConsoleDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ConsoleContext,
  kind: SecretFlash['kind'],
  id: string,
): Promise<string | undefined> {
  const raw = request.cookies[COOKIE];
  if (raw === undefined) return undefined;
  reply.clearCookie(COOKIE, { path: '/console', httpOnly: true, sameSite: 'strict', secure: deps.secure });
  try {
    const p = JSON.parse(await openSecret(raw, secretEncryptionKey(deps.gh.config.serverSecret))) as Sealed;
    const ok =
      p.session === ctx.active.session.idHash && p.kind === kind && p.id === id && p.exp > Date.now();
    return ok ? p.secret : undefined;
  } catch {
    return undefined;
  }
}
