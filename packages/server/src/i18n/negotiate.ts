import { DEFAULT_LOCALE, LOCALES, type Locale } from './catalogs.ts';

/** One language range of an Accept-Language header, with its weight. */
export interface LanguageRange {
  tag: string;
  q: number;
}

const RANGE = /^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$/;
const QVALUE = /^q=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/**
 * The ranges of an Accept-Language header, heaviest first (ties keep the header's order).
 * Malformed ranges and weights are skipped, not fatal: a browser's header is a hint.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.4
 */
export function parseAcceptLanguage(header: string | undefined): LanguageRange[] {
  if (!header) return [];
  const ranges: LanguageRange[] = [];
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.split(';').map((s) => s.trim());
    if (!RANGE.test(tag)) continue;
    let q = 1;
    let valid = true;
    for (const p of params) {
      if (!QVALUE.test(p)) {
        if (/^q=/i.test(p)) valid = false;
        continue;
      }
      q = Number(p.slice(2));
    }
    if (valid && q > 0) ranges.push({ tag: tag.toLowerCase(), q });
  }
  return ranges
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.q - a.r.q || a.i - b.i)
    .map(({ r }) => r);
}

/**
 * The supported locale a tag asks for: exact, then by its language alone (`de-AT` → `de`).
 * `*` asks for nothing in particular.
 */
export function matchLocale(tag: string, locales: readonly Locale[] = LOCALES): Locale | undefined {
  const t = tag.toLowerCase();
  if (t === '*') return undefined;
  return (
    locales.find((l) => l.tag.toLowerCase() === t) ??
    locales.find((l) => l.tag.toLowerCase() === t.split('-')[0])
  );
}

/** Where a page's locale can come from, most explicit first. */
export interface LocaleHints {
  /** The `ui_locales` request parameter (OpenID Connect Core 3.1.2.1): space-separated tags. */
  uiLocales?: string | null;
  /** The locale cookie, set when a request named `ui_locales`. */
  cookie?: string | null;
  /** The browser's Accept-Language header. */
  acceptLanguage?: string | null;
}

/**
 * The locale of a page: the first of `ui_locales` we have, then the cookie, then the best of
 * Accept-Language, then English.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest (ui_locales)
 */
export function negotiateLocale(hints: LocaleHints, locales: readonly Locale[] = LOCALES): Locale {
  const asked = firstSupported(hints.uiLocales, locales);
  if (asked) return asked;
  const fromCookie = hints.cookie ? matchLocale(hints.cookie, locales) : undefined;
  if (fromCookie) return fromCookie;
  for (const range of parseAcceptLanguage(hints.acceptLanguage ?? undefined)) {
    const l = matchLocale(range.tag, locales);
    if (l) return l;
  }
  return locales[0] ?? DEFAULT_LOCALE;
}

/** The locale named by `ui_locales`, if any is supported: what the locale cookie remembers. */
export function requestedLocale(uiLocales: string | null | undefined): Locale | undefined {
  return firstSupported(uiLocales, LOCALES);
}

function firstSupported(uiLocales: string | null | undefined, locales: readonly Locale[]) {
  for (const tag of (uiLocales ?? '').split(' ')) {
    const l = tag ? matchLocale(tag, locales) : undefined;
    if (l) return l;
  }
  return undefined;
}
