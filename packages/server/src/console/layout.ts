import { html, type SafeHtml } from '../pages/html.ts';
import { htmlDocument } from '../pages/layout.ts';
import type { ConsoleContext } from './context.ts';

export type Section = 'apps' | 'connected' | 'webhooks' | 'members' | 'audit';

const NAV: [Section, string, string][] = [
  ['apps', 'OAuth apps', '/apps'],
  ['connected', 'Connected Apps', '/connected-apps'],
  ['webhooks', 'Webhooks', '/webhooks'],
  ['members', 'Members', '/members'],
  ['audit', 'Audit log', '/audit'],
];

function switcher(ctx: ConsoleContext): SafeHtml | string {
  if (ctx.companies.length < 2) return html`<span class="company-name">${ctx.company.name}</span>`;
  return html`<form method="get" action="/console" class="switcher">
<label for="company-switch" class="sr-only">Company</label>
<select id="company-switch" name="company">
${ctx.companies.map(
  (c) =>
    html`<option value="${c.company.id}" ${c.company.id === ctx.company.id ? html`selected` : ''}>${c.company.name}</option>`,
)}
</select>
<button type="submit" class="secondary small">Switch</button>
</form>`;
}

/** The Integration Center frame: company switcher, sections, the signed-in user. */
export function consoleLayout(opts: {
  ctx: ConsoleContext;
  section: Section;
  title: string;
  body: SafeHtml;
  script?: boolean;
}): string {
  const { ctx } = opts;
  return htmlDocument({
    title: `${opts.title} · ${ctx.company.name} · Gatehouse`,
    script: opts.script,
    bodyClass: 'console',
    body: html`<header class="topbar">
<a class="brand" href="/console">Gatehouse · Integration Center</a>
${switcher(ctx)}
<div class="who">
<span>${ctx.user.email} (${ctx.role})</span>
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="${ctx.csrf}">
<button type="submit" class="secondary small">Sign out</button></form>
</div>
</header>
<nav class="sections" aria-label="Integration Center">
<ul>
${NAV.map(
  ([key, label, path]) =>
    html`<li><a href="${ctx.base}${path}" ${key === opts.section ? html`aria-current="page"` : ''}>${label}</a></li>`,
)}
</ul>
</nav>
<main class="panel">
${opts.body}
</main>`,
  });
}
