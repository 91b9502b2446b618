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
  return consoleLayout({
    ctx,
    section: 'apps',
    title: 'OAuth apps',
    body: html`<div class="heading">
<h1>OAuth apps</h1>
${ctx.isAdmin && canCreate ? html`<a class="button primary" href="${ctx.base}/apps/new">Create app</a>` : ''}
</div>
${!ctx.isAdmin ? html`<p class="notice">You are a member of ${ctx.company.name}: this is a read-only view. Administrators manage apps.</p>` : ''}
${ctx.isAdmin && !canCreate ? html`<p class="notice">Your plan (${ctx.company.plan}) does not include creating OAuth apps. <a href="${ctx.base}/apps/new">Learn more</a></p>` : ''}
${
  apps.length === 0
    ? html`<p class="lead">No apps yet. An app gets a client ID and secret to call the API with the scopes you choose.</p>`
    : html`<table class="data">
<caption class="sr-only">OAuth apps of ${ctx.company.name}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Last used</th></tr></thead>
<tbody>
${apps.map(
  (a) => html`<tr>
<td><span class="app-cell">${logoImg(a)}<a href="${ctx.base}/apps/${a.id}">${a.name}</a></span></td>
<td>${a.type === 'internal' ? 'Internal' : 'Partner'}</td>
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
