import type { FastifyReply } from 'fastify';
import { pageCsp } from '../pages/layout.ts';
import { errorPage } from '../pages/result-pages.ts';

/**
 * Sends a server-rendered page with the headers every page carries: a CSP whose form-action
 * allows only `formTargets` (besides 'self'), no caching, no referrer, no framing.
 */
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
