import { createHash } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLocale, requestedLocale } from '../i18n/negotiate.ts';
import { Translator } from '../i18n/translator.ts';
import type { PageUi } from '../pages/layout.ts';
import { DEFAULT_THEME, type Theme, themeStylesheet } from '../pages/theme.ts';

/** Remembers the language a client asked for with `ui_locales`, across the pages of the flow. */
export const LOCALE_COOKIE = 'gatehouse_locale';
const LOCALE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/** The theme of the pages this instance serves, and its stylesheet. */
export interface PageBrand {
  theme: Theme;
  stylesheet: string;
  /** A hash of the stylesheet: `?v=` on its link, so a changed theme is fetched again. */
  version: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by registerPageBrand; an app built without it has the default theme. */
    pageBrand?: PageBrand;
  }
}

function brand(theme: Theme): PageBrand {
  const stylesheet = themeStylesheet(theme);
  const version = createHash('sha256').update(stylesheet).digest('base64url').slice(0, 12);
  return { theme, stylesheet, version };
}

const DEFAULT_BRAND = brand(DEFAULT_THEME);

/** Gives the pages registered on `app` (and its children) their theme. */
export function registerPageBrand(app: FastifyInstance, theme: Theme): void {
  app.decorate('pageBrand', brand(theme));
}

/** The theme of the pages `app` serves: its own, or the default when none was registered. */
export function pageBrandOf(app: FastifyInstance): PageBrand {
  return app.pageBrand ?? DEFAULT_BRAND;
}

const translators = new Map<string, Translator>();
const cache = new WeakMap<FastifyRequest, PageUi>();

/**
 * The locale and theme of the page this request gets: `ui_locales` in its query, then the
 * locale cookie, then Accept-Language, then English (i18n/negotiate.ts).
 */
export function pageUi(request: FastifyRequest): PageUi {
  const cached = cache.get(request);
  if (cached) return cached;
  const query = new URL(request.raw.url ?? '/', 'http://localhost').searchParams;
  const locale = negotiateLocale({
    uiLocales: query.get('ui_locales'),
    cookie: request.cookies?.[LOCALE_COOKIE],
    acceptLanguage: request.headers['accept-language'],
  });
  let t = translators.get(locale.tag);
  if (!t) {
    t = new Translator(locale);
    translators.set(locale.tag, t);
  }
  const { theme, version } = pageBrandOf(request.server);
  const ui = { t, theme, themeVersion: version };
  cache.set(request, ui);
  return ui;
}

/**
 * When an authorization request names `ui_locales` we speak, the pages of its flow (login,
 * company chooser, consent) are reached by redirects that do not carry it: a cookie does.
 */
export function rememberUiLocales(
  request: FastifyRequest,
  reply: FastifyReply,
  uiLocales: string | null | undefined,
  secure: boolean,
): void {
  const locale = requestedLocale(uiLocales);
  if (!locale || request.cookies?.[LOCALE_COOKIE] === locale.tag) return;
  reply.setCookie(LOCALE_COOKIE, locale.tag, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: LOCALE_COOKIE_MAX_AGE_S,
  });
}
