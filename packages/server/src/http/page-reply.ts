import type { FastifyReply } from 'fastify';
import type { Text } from '../i18n/translator.ts';
import { messagePage, pageCsp } from '../pages/layout.ts';
import { pageUi } from './page-ui.ts';

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

/** What an error page says: catalog texts, and a detail (an OAuth error_description) as it is. */
export interface ErrorPageContent {
  title: Text;
  message: Text;
  /** Technical and untranslated, for developers: shown apart from the message. */
  detail?: string;
  code?: string;
}

/** An error page, in the locale of the request it answers. */
export function sendErrorPage(reply: FastifyReply, status: number, content: ErrorPageContent) {
  const ui = pageUi(reply.request);
  const page = messagePage(ui, {
    title: ui.t.text(content.title),
    message: ui.t.text(content.message),
    ...(content.detail ? { detail: content.detail } : {}),
    ...(content.code ? { code: content.code } : {}),
  });
  return sendPage(reply, status, page);
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
