import type { App } from '../../apps/app-service.ts';
import { html } from '../../pages/html.ts';
import type { ConsoleContext } from '../context.ts';
import { consoleLayout } from '../layout.ts';
import { formatTime } from './format-time.ts';

export function logoImg(app: Pick<App, 'logoUrl' | 'name'>, size = 32) {
  return app.logoUrl
    ? html`<img class="app-logo" src="${app.logoUrl}" alt="" width="${size}" height="${size}">`
    : html`<span class="app-logo placeholder" aria-hidden="true">${app.name.slice(0, 1).toUpperCase()}</span>`;
}

/** Integration Center → OAuth 2.0: the company's apps. */
export function appsListPage(ctx: ConsoleContext, apps: App[], canCreate: boolean) {
  const { t } = ctx.ui;
  const company = ctx.company.name;
  return consoleLayout({
    ctx,
    section: 'apps',
    title: t.t('console.nav.apps'),
    body: html`<div class="heading">
<h1>${t.t('console.nav.apps')}</h1>
${ctx.isAdmin && canCreate ? html`<a class="button primary" href="${ctx.base}/apps/new">${t.t('apps.create')}</a>` : ''}
<a class="button secondary" href="${ctx.base}/initial-access-tokens">${t.t('iat.link')}</a>
</div>
${!ctx.isAdmin ? html`<p class="notice">${t.t('apps.read_only', { company })}</p>` : ''}
${ctx.isAdmin && !canCreate ? html`<p class="notice">${t.t('apps.plan_excludes', { plan: ctx.company.plan })} <a href="${ctx.base}/apps/new">${t.t('apps.learn_more')}</a></p>` : ''}
${
  apps.length === 0
    ? html`<p class="lead">${t.t('apps.empty')}</p>`
    : html`<table class="data">
<caption class="sr-only">${t.t('apps.caption', { company })}</caption>
<thead><tr><th scope="col">${t.t('apps.col.name')}</th><th scope="col">${t.t('apps.col.type')}</th><th scope="col">${t.t('apps.col.scopes')}</th><th scope="col">${t.t('apps.col.created')}</th><th scope="col">${t.t('apps.col.last_used')}</th></tr></thead>
<tbody>
${apps.map(
  (a) => html`<tr>
<td><span class="app-cell">${logoImg(a)}<a href="${ctx.base}/apps/${a.id}">${a.name}</a></span>${a.initialAccessTokenId ? html` <span class="chip">${t.t('app.registered')}</span>` : ''}</td>
<td>${t.t(a.type === 'internal' ? 'apps.type.internal' : 'apps.type.partner')}</td>
<td>${a.scopes.map((s) => html`<code class="chip">${s}</code> `)}</td>
<td>${formatTime(ctx.ui.t, a.createdAt)}</td>
<td>${formatTime(ctx.ui.t, a.lastUsedAt)}</td>
</tr>`,
)}
</tbody>
</table>`
}`,
  });
}
