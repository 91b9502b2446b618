import type { MessageKey } from '../i18n/catalogs.ts';
import { html, type SafeHtml } from '../pages/html.ts';
import { brandMark, htmlDocument, pageTitle } from '../pages/layout.ts';
import type { ConsoleContext } from './context.ts';

export type Section = 'apps' | 'connected' | 'webhooks' | 'members' | 'audit';

const NAV: [Section, MessageKey, string][] = [
  ['apps', 'console.nav.apps', '/apps'],
  ['connected', 'console.nav.connected', '/connected-apps'],
  ['webhooks', 'console.nav.webhooks', '/webhooks'],
  ['members', 'console.nav.members', '/members'],
  ['audit', 'console.nav.audit', '/audit'],
];

function switcher(ctx: ConsoleContext): SafeHtml | string {
  const { t } = ctx.ui;
  if (ctx.companies.length < 2) return html`<span class="company-name">${ctx.company.name}</span>`;
  return html`<form method="get" action="/console" class="switcher">
<label for="company-switch" class="sr-only">${t.t('console.company')}</label>
<select id="company-switch" name="company">
${ctx.companies.map(
  (c) =>
    html`<option value="${c.company.id}" ${c.company.id === ctx.company.id ? html`selected` : ''}>${c.company.name}</option>`,
)}
</select>
<button type="submit" class="secondary small">${t.t('console.switch')}</button>
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
  const { ui } = ctx;
  const { t } = ui;
  const role = t.t(ctx.role === 'admin' ? 'console.role.admin' : 'console.role.member');
  return htmlDocument({
    ui,
    title: pageTitle(ui, opts.title, ctx.company.name),
    script: opts.script,
    bodyClass: 'console',
    body: html`<header class="topbar">
<a class="brand" href="/console">${brandMark(ui)}<span class="brand-section"> · ${t.t('console.name')}</span></a>
${switcher(ctx)}
<div class="who">
<span>${t.t('console.who', { email: ctx.user.email, role })}</span>
<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="${ctx.csrf}">
<button type="submit" class="secondary small">${t.t('console.sign_out')}</button></form>
</div>
</header>
<nav class="sections" aria-label="${t.t('console.name')}">
<ul>
${NAV.map(
  ([key, label, path]) =>
    html`<li><a href="${ctx.base}${path}" ${key === opts.section ? html`aria-current="page"` : ''}>${t.t(label)}</a></li>`,
)}
</ul>
</nav>
<main class="panel">
${opts.body}
</main>`,
  });
}
