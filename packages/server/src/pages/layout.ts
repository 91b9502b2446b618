import type { Translator } from '../i18n/translator.ts';
import { html, type SafeHtml } from './html.ts';
import type { Theme } from './theme.ts';

/** What every page is rendered with: the locale it speaks and the brand it wears. */
export interface PageUi {
  t: Translator;
  theme: Theme;
  /** `?v=` of /assets/theme.css: changes when the theme does, so caches let go of the old one. */
  themeVersion: string;
}

/** Pages load only our own stylesheets and script; no inline code, no third-party assets. */
export function pageCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "script-src 'self'",
    "img-src 'self' https: data:",
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The title of a page: its own, then the product's. */
export function pageTitle(ui: PageUi, ...parts: string[]): string {
  return [...parts, ui.theme.productName].join(' · ');
}

/**
 * A whole HTML document: the head every page shares (our stylesheet, the theme's, and copy.js
 * when `script` is set), `lang` and `dir` of the page's locale, then `body` in a <body> of class
 * `bodyClass`, if given, and the theme's footer.
 */
export function htmlDocument(opts: {
  ui: PageUi;
  title: string;
  body: SafeHtml;
  script?: boolean;
  bodyClass?: string;
}): string {
  const { t, theme } = opts.ui;
  return html`<!doctype html>
<html lang="${t.tag}" dir="${t.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title}</title>
<link rel="stylesheet" href="/assets/gatehouse.css">
<link rel="stylesheet" href="/assets/theme.css?v=${opts.ui.themeVersion}">
${opts.script ? html`<script src="/assets/copy.js" defer></script>` : ''}
</head>
${opts.bodyClass ? html`<body class="${opts.bodyClass}">` : html`<body>`}
${opts.body}
${footer(t, theme)}
</body>
</html>
`.value;
}

function footer(t: Translator, theme: Theme): SafeHtml | string {
  const links = [
    theme.supportUrl ? html`<a href="${theme.supportUrl}">${t.t('frame.support')}</a>` : '',
    theme.privacyUrl ? html`<a href="${theme.privacyUrl}">${t.t('frame.privacy')}</a>` : '',
  ].filter(Boolean);
  return links.length ? html`<footer class="site-footer">${links}</footer>` : '';
}

/** The product's logo and name, as the top of the card and of the console show it. */
export function brandMark(ui: PageUi): SafeHtml {
  const { theme } = ui;
  return html`${theme.logoUrl ? html`<img class="brand-logo" src="${theme.logoUrl}" alt="" height="28">` : ''}<span class="brand-name">${theme.productName}</span>`;
}

/** The frame of the sign-in, consent and result pages: one card. */
export function layout(opts: { ui: PageUi; title: string; body: SafeHtml; script?: boolean }): string {
  return htmlDocument({
    ui: opts.ui,
    title: pageTitle(opts.ui, opts.title),
    script: opts.script,
    body: html`<main class="card">
<p class="brand">${brandMark(opts.ui)}</p>
${opts.body}
</main>`,
  });
}

/** A page that says what went wrong: a title, a message, an optional detail and error code. */
export function messagePage(
  ui: PageUi,
  opts: { title: string; message: string; detail?: string; code?: string; after?: SafeHtml },
): string {
  return layout({
    ui,
    title: opts.title,
    body: html`<h1>${opts.title}</h1>
<p class="alert" role="alert">${opts.message}</p>
${opts.detail ? html`<p class="hint"><bdi>${opts.detail}</bdi></p>` : ''}
${opts.code ? html`<p class="hint">${ui.t.html('frame.error_code', { code: html`<code>${opts.code}</code>` })}</p>` : ''}
${opts.after ?? ''}`,
  });
}

/** Where copy.js says whether a copy worked, in the page's language. */
export function copyStatus({ t }: PageUi): SafeHtml {
  return html`<p class="hint" id="copy-status" aria-live="polite" data-copied="${t.t('frame.copied')}" data-copy-failed="${t.t('frame.copy_failed')}"></p>`;
}

export function hiddenFields(fields: Record<string, string>): SafeHtml {
  return html`${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}`;
}
