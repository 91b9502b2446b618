import { html, type SafeHtml } from './html.ts';

/** Pages load only our own stylesheet and script; no inline code, no third-party assets. */
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

/**
 * A whole HTML document: the head every page shares (our stylesheet, and copy.js when
 * `script` is set), then `body` in a <body> of class `bodyClass`, if given.
 */
export function htmlDocument(opts: {
  title: string;
  body: SafeHtml;
  script?: boolean;
  bodyClass?: string;
}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title}</title>
<link rel="stylesheet" href="/assets/gatehouse.css">
${opts.script ? html`<script src="/assets/copy.js" defer></script>` : ''}
</head>
${opts.bodyClass ? html`<body class="${opts.bodyClass}">` : html`<body>`}
${opts.body}
</body>
</html>
`.value;
}

/** The frame of the sign-in, consent and result pages: one card. */
export function layout(opts: { title: string; body: SafeHtml; script?: boolean }): string {
  return htmlDocument({
    title: `${opts.title} · Gatehouse`,
    script: opts.script,
    body: html`<main class="card">
<p class="brand" aria-hidden="true">Gatehouse</p>
${opts.body}
</main>`,
  });
}

export function hiddenFields(fields: Record<string, string>): SafeHtml {
  return html`${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}`;
}
