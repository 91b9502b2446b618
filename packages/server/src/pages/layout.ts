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

export function layout(opts: { title: string; body: SafeHtml; script?: boolean }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title} · Gatehouse</title>
<link rel="stylesheet" href="/assets/gatehouse.css">
${opts.script ? html`<script src="/assets/copy.js" defer></script>` : ''}
</head>
<body>
<main class="card">
<p class="brand" aria-hidden="true">Gatehouse</p>
${opts.body}
</main>
</body>
</html>
`.value;
}

export function hiddenFields(fields: Record<string, string>): SafeHtml {
  return html`${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}`;
}
